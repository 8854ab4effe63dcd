using System.Runtime.InteropServices;
using System.Text;

namespace Monitoring.Files;

/// <summary>
/// Which folders an agent may read files from and write files to. A path is resolved to its full, final form
/// (every symbolic link followed) and must stay inside an allowed root. Both lists are empty by default, so file
/// access is off until the agent's own configuration turns it on.
/// </summary>
public sealed class FilePolicy
{
    /// <summary>The longest path accepted.</summary>
    public const int MaxPathLength = 4096;

    /// <summary>The largest file moved by default (10 GiB), on the agent and in the manager's store.</summary>
    public const long DefaultMaxFileBytes = 10L << 30;

    private readonly IReadOnlyList<string> _read;
    private readonly IReadOnlyList<string> _write;

    /// <summary>Creates a policy; roots are resolved now (a root that does not exist is refused).</summary>
    /// <exception cref="ArgumentException">A root is not an absolute path to an existing folder.</exception>
    public FilePolicy(IEnumerable<string>? readRoots = null, IEnumerable<string>? writeRoots = null, long maxFileBytes = DefaultMaxFileBytes)
    {
        _read = [.. (readRoots ?? []).Select(r => ResolveRoot(r, "files.read"))];
        _write = [.. (writeRoots ?? []).Select(r => ResolveRoot(r, "files.write"))];
        MaxFileBytes = maxFileBytes;
    }

    /// <summary>The resolved roots files may be read from.</summary>
    public IReadOnlyList<string> ReadRoots => _read;

    /// <summary>The resolved roots files may be written to.</summary>
    public IReadOnlyList<string> WriteRoots => _write;

    /// <summary>The largest file the agent sends or receives.</summary>
    public long MaxFileBytes { get; }

    /// <summary>
    /// Send files that have more than one name (hard links). Off by default: a hard link in a read folder can be
    /// another name for a file from outside it.
    /// </summary>
    public bool AllowHardLinks { get; init; }

    /// <summary>Resolves a path to read, or throws saying which rule refused it.</summary>
    /// <exception cref="FileAccessDeniedException">The path is malformed, outside every read root, or not a file.</exception>
    public string ResolveForRead(string path)
    {
        var full = Resolve(path, "read", _read, "files.read");
        if (!File.Exists(full))
        {
            throw new FileAccessDeniedException($"'{path}' is not a file on this agent (resolved to '{full}').");
        }

        return full;
    }

    /// <summary>Resolves a path to write (its folder must exist), or throws saying which rule refused it.</summary>
    /// <exception cref="FileAccessDeniedException">The path is malformed, outside every write root, or its folder does not exist.</exception>
    public string ResolveForWrite(string path)
    {
        var full = Resolve(path, "write", _write, "files.write");
        if (Directory.Exists(full))
        {
            throw new FileAccessDeniedException($"'{path}' is a folder; give the full path of the file to write.");
        }

        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new FileAccessDeniedException($"The folder of '{path}' does not exist on this agent; create it first.");
        }

        return full;
    }

    private static string Resolve(string path, string verb, IReadOnlyList<string> roots, string setting)
    {
        if (roots.Count == 0)
        {
            throw new FileAccessDeniedException(
                $"File {verb} access is off on this agent: {setting} in its agent.yaml lists no folders. Add the folders it may {verb}.");
        }

        Check(path);
        var full = FinalPath(path);
        foreach (var root in roots)
        {
            if (IsInside(full, root))
            {
                return full;
            }
        }

        throw new FileAccessDeniedException(
            $"'{path}' (resolved to '{full}') is outside the folders this agent may {verb} ({setting}: {string.Join(", ", roots)}).");
    }

    private static void Check(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new FileAccessDeniedException("The path is empty; give a full path.");
        }

        if (path.IndexOf('\0') >= 0)
        {
            throw new FileAccessDeniedException("The path contains a NUL character and was refused.");
        }

        if (path.Length > MaxPathLength || path.Split('/', '\\').Any(part => Encoding.UTF8.GetByteCount(part) > 255))
        {
            throw new FileAccessDeniedException($"The path is too long (at most {MaxPathLength} characters, 255 bytes a name).");
        }

        if (!Path.IsPathRooted(path) || (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && path.StartsWith("\\\\", StringComparison.Ordinal)))
        {
            throw new FileAccessDeniedException($"'{path}' is not a full local path; give one that starts at the root, such as /var/log/app.log.");
        }
    }

    private static string ResolveRoot(string root, string setting)
    {
        try
        {
            Check(root);
        }
        catch (FileAccessDeniedException ex)
        {
            throw new ArgumentException($"{setting}: {ex.Message}", nameof(root));
        }

        var full = FinalPath(root);
        if (!Directory.Exists(full))
        {
            throw new ArgumentException($"{setting}: the folder '{root}' does not exist.", nameof(root));
        }

        return full.Length > 1 ? full.TrimEnd(Path.DirectorySeparatorChar) : full;
    }

    internal static bool IsInside(string path, string root)
    {
        var comparison = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (string.Equals(path, root, comparison))
        {
            return true;
        }

        var prefix = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison);
    }

    /// <summary>
    /// The absolute path with every symbolic link along it followed and '.' and '..' applied in the order the OS
    /// applies them ('..' after a link goes to the parent of the link's target). A final component that does not
    /// exist yet (a file about to be written) is kept as given.
    /// </summary>
    internal static string FinalPath(string path)
    {
        var hops = 0;
        return FinalPath(path, ref hops);
    }

    private static string FinalPath(string path, ref int hops)
    {
        var root = Path.GetPathRoot(path)!;
        char[] separators = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ['\\', '/'] : ['/'];
        var current = root.Length == 0 ? Path.GetPathRoot(Path.GetFullPath(path))! : Path.GetFullPath(root);
        foreach (var part in path.Substring(root.Length).Split(separators, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                // current never holds a link, so its parent is the real parent.
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, part);
            if (LinkTarget(next) is { } target)
            {
                if (++hops > 40)
                {
                    throw new FileAccessDeniedException($"'{path}' has too many levels of symbolic links.");
                }

                next = FinalPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target), ref hops);
            }

            current = next;
        }

        return current;
    }

    private static string? LinkTarget(string path)
    {
#if NET
        var info = new FileInfo(path);
        return info.Exists || Directory.Exists(path) ? info.LinkTarget : null;
#else
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return null;
        }

        var buffer = new byte[4096];
        var n = readlink(path, buffer, buffer.Length);
        return n > 0 ? Encoding.UTF8.GetString(buffer, 0, n) : null;
#endif
    }

#if !NET
    [DllImport("libc", SetLastError = true)]
    private static extern int readlink(string path, byte[] buffer, int size);
#endif
}
