namespace Monitoring.PowerShell;

/// <summary>Facts about the module the cmdlets share.</summary>
internal static class ModuleInfo
{
    /// <summary>The noun prefix of every cmdlet.</summary>
    public const string NounPrefix = "Mon";
}
