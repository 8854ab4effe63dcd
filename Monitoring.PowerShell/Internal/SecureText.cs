using System.Runtime.InteropServices;
using System.Security;

namespace Monitoring.PowerShell;

/// <summary>Secrets typed as SecureString (Read-Host -AsSecureString, PSCredential), turned into text only to send them.</summary>
internal static class SecureText
{
    public static string Plain(SecureString secure)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(pointer) ?? "";
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
