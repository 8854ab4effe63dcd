using System.Runtime.InteropServices;
#if NET
using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
#endif

namespace Monitoring.Internal;

/// <summary>
/// Owner-only access for secret files on Windows, where Unix modes do nothing: an explicit, protected ACL that
/// grants full control to the owner, SYSTEM and the Administrators group (so a service account and its admins keep
/// access) and to nobody else, with nothing inherited from the folder.
/// </summary>
internal static class WindowsAcl
{
    /// <summary>
    /// The security descriptor in SDDL: owner <paramref name="ownerSid"/>; a protected DACL (P) allowing full
    /// access (FA) to the owner, SYSTEM (SY) and Administrators (BA); folders pass it to what they contain (OICI).
    /// </summary>
    public static string OwnerOnlySddl(string ownerSid, bool directory)
    {
        var inherit = directory ? "OICI" : "";
        return $"O:{ownerSid}D:P(A;{inherit};FA;;;{ownerSid})(A;{inherit};FA;;;SY)(A;{inherit};FA;;;BA)";
    }

#if NET
    /// <summary>Applies <see cref="OwnerOnlySddl"/> for the current user to a file or folder.</summary>
    [SupportedOSPlatform("windows")]
    public static void RestrictToOwner(string path, bool directory)
    {
        var owner = WindowsIdentity.GetCurrent().User?.Value
            ?? throw new InvalidOperationException("The current Windows account has no SID; cannot protect " + path + ".");
        if (directory)
        {
            var security = new DirectorySecurity();
            security.SetSecurityDescriptorSddlForm(OwnerOnlySddl(owner, directory: true));
            new DirectoryInfo(path).SetAccessControl(security);
        }
        else
        {
            var security = new FileSecurity();
            security.SetSecurityDescriptorSddlForm(OwnerOnlySddl(owner, directory: false));
            new FileInfo(path).SetAccessControl(security);
        }
    }
#endif

    /// <summary>True on Windows.</summary>
    public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
}
