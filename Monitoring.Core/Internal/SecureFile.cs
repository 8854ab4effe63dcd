using System.Runtime.InteropServices;
using System.Text;

namespace Monitoring.Internal;

/// <summary>Writes files atomically and readable by their owner only.</summary>
internal static class SecureFile
{
    public static void WriteAllText(string path, string contents, bool ownerOnly = true) =>
        WriteAllBytes(path, new UTF8Encoding(false).GetBytes(contents), ownerOnly);

    /// <summary>
    /// Writes <paramref name="bytes"/> to a temporary file and renames it over <paramref name="path"/>. With
    /// <paramref name="durable"/> the bytes reach the disk before the rename (they survive a power cut); without, they
    /// survive the process dying but not the machine losing power.
    /// </summary>
    public static void WriteAllBytes(string path, byte[] bytes, bool ownerOnly = true, bool durable = true)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (ownerOnly)
                {
                    RestrictToOwner(tmp);
                }

                fs.Write(bytes, 0, bytes.Length);
                fs.Flush(durable);
            }

            if (File.Exists(path))
            {
                File.Replace(tmp, path, null);
            }
            else
            {
                File.Move(tmp, path);
            }
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    public static void CreateOwnerOnlyDirectory(string path)
    {
        Directory.CreateDirectory(path);
        RestrictToOwner(path, directory: true);
    }

    public static void RestrictToOwner(string path, bool directory = false)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
#if NET
            WindowsAcl.RestrictToOwner(path, directory);
#endif
            // netstandard2.0 (the PowerShell module) writes no secrets of its own.
            return;
        }
#if NET
        File.SetUnixFileMode(path, directory
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite);
#else
        _ = Chmod(path, directory ? 0x1C0 : 0x180);
#endif
    }

#if !NET
    [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
    private static extern int Chmod(string path, int mode);
#endif
}
