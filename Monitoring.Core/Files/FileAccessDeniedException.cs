namespace Monitoring.Files;

/// <summary>A path was refused by the agent's file policy; the message names the rule.</summary>
public sealed class FileAccessDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FileAccessDeniedException(string message)
        : base(message)
    {
    }
}
