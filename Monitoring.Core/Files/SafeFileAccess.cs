using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Monitoring.Internal;

namespace Monitoring.Files;

/// <summary>
/// Opens the files a transfer reads and writes so that a link, FIFO, device or hard link planted in an allowed
/// folder cannot redirect it: the handle is checked after opening (regular file, link count, real path inside the
/// allowed roots), never the path before. On Linux through <see cref="UnixFileHandles"/>; elsewhere the best the
/// portable API allows (links are refused before and after opening).
/// </summary>
internal static class SafeFileAccess
{
    /// <summary>Opens a file to read (and hash, and send).</summary>
    /// <param name="path">The resolved path.</param>
    /// <param name="roots">The folders the real path must be inside; null for no such check.</param>
    /// <param name="allowHardLinks">Accept a file with more than one name.</param>
    /// <exception cref="FileAccessDeniedException">The path is not a plain regular file inside the roots.</exception>
    public static FileStream OpenRead(string path, IReadOnlyList<string>? roots, bool allowHardLinks)
    {
        if (UnixFileHandles.IsSupported)
        {
            var handle = Checked(path, () => UnixFileHandles.OpenRead(path));
            try
            {
                var (regular, links) = UnixFileHandles.Describe(handle);
                if (!regular)
                {
                    throw new FileAccessDeniedException($"'{path}' is not a regular file (a FIFO, socket, device or folder); only regular files are sent.");
                }

                if (links > 1 && !allowHardLinks)
                {
                    throw new FileAccessDeniedException(
                        $"'{path}' has {links} names (hard links), so it may be a file from outside the allowed folders; set files.allowHardLinks: true to send such files.");
                }

                CheckInside(UnixFileHandles.RealPath(handle), path, roots);
                return new FileStream(handle, FileAccess.Read, FileTransfer.BufferSize, isAsync: false);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        RefuseLink(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileTransfer.BufferSize, FileOptions.SequentialScan);
        RefuseLink(path);
        return stream;
    }

    /// <summary>Opens a temporary file to write into: created owner-only, or appended to when resuming.</summary>
    /// <param name="path">The temporary file.</param>
    /// <param name="resume">True to append to an earlier attempt's file; false to create it (an existing one is refused).</param>
    /// <param name="roots">The folders the real path must be inside; null for no such check.</param>
    /// <exception cref="FileAccessDeniedException">A link or another kind of file is at the path, or it is outside the roots.</exception>
    public static FileStream OpenWrite(string path, bool resume, IReadOnlyList<string>? roots)
    {
        if (UnixFileHandles.IsSupported)
        {
            var handle = Checked(path, () => UnixFileHandles.OpenWrite(path, mustCreate: !resume));
            try
            {
                var (regular, links) = UnixFileHandles.Describe(handle);
                if (!regular || links != 1)
                {
                    throw new FileAccessDeniedException($"'{path}' is not a plain file of its own (a FIFO, device or hard link was planted there); remove it and try again.");
                }

                CheckInside(UnixFileHandles.RealPath(handle), path, roots);
                var stream = new FileStream(handle, FileAccess.Write, FileTransfer.BufferSize, isAsync: false);
                stream.Seek(0, SeekOrigin.End);
                return stream;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        RefuseLink(path);
        var fallback = new FileStream(path, resume ? FileMode.Append : FileMode.CreateNew, FileAccess.Write, FileShare.None, FileTransfer.BufferSize);
        RefuseLink(path);
        return fallback;
    }

    /// <summary>The length of a temporary file at <paramref name="path"/> without following a link there; 0 when there is none.</summary>
    /// <exception cref="FileAccessDeniedException">A link or a folder is where the temporary file belongs.</exception>
    public static long ExistingLength(string path)
    {
        var info = new FileInfo(path);
        if (IsLink(info) || Directory.Exists(path))
        {
            throw new FileAccessDeniedException($"'{path}' is a symbolic link or a folder where a temporary file belongs; it was not followed. Remove it and try again.");
        }

        return info.Exists ? info.Length : 0;
    }

    /// <summary>Renames a verified temporary file into place; a link at the destination is refused rather than replaced through.</summary>
    public static void MoveIntoPlace(string temp, string destination)
    {
        var target = new FileInfo(destination);
        if (IsLink(target))
        {
            throw new FileAccessDeniedException($"'{destination}' is a symbolic link; refusing to replace it. Remove the link, or write to another path.");
        }

        if (Directory.Exists(destination))
        {
            throw new FileAccessDeniedException($"'{destination}' is a folder; give the full path of the file to write.");
        }

#if NET
        File.Move(temp, destination, overwrite: true);
#else
        if (File.Exists(destination))
        {
            File.Delete(destination);
        }

        File.Move(temp, destination);
#endif
    }

    private static SafeFileHandle Checked(string path, Func<SafeFileHandle> open)
    {
        try
        {
            return open();
        }
        catch (IOException ex) when (ex.HResult is 40 or 17)
        {
            throw new FileAccessDeniedException(ex.Message + " Remove what was planted there and try again.");
        }
    }

    private static void CheckInside(string real, string path, IReadOnlyList<string>? roots)
    {
        if (roots is null || roots.Any(root => FilePolicy.IsInside(real, root)))
        {
            return;
        }

        throw new FileAccessDeniedException($"'{path}' turned out to be '{real}' once opened, outside the allowed folders ({string.Join(", ", roots)}); nothing was read or written.");
    }

    private static void RefuseLink(string path)
    {
        if (IsLink(new FileInfo(path)))
        {
            throw new FileAccessDeniedException($"'{path}' is a symbolic link; it was not followed.");
        }
    }

    private static bool IsLink(FileInfo info)
    {
        try
        {
            return (info.Attributes & FileAttributes.ReparsePoint) != 0 && (int)info.Attributes != -1;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
