using System.Text;

namespace Monitoring.Internal;

/// <summary>
/// A log file for a host with no console or journal to write to (the agent as a Windows service, or where
/// <c>logFile</c> is set): lines are appended and flushed as they come; when the file reaches its limit it becomes
/// <c>NAME.1.EXT</c> (replacing the previous one) and a new file starts, so the log never holds more than twice the
/// limit. Others may read, follow or delete the files while it writes.
/// </summary>
internal sealed class RotatingLogFile : TextWriter
{
    /// <summary>The size at which the file is rotated unless another is given: 10 MiB, weeks of an agent's log.</summary>
    public const long DefaultMaxBytes = 10L << 20;

    private readonly long _maxBytes;
    private StreamWriter _writer;

    /// <exception cref="IOException">The folder cannot be made or the file cannot be opened for appending.</exception>
    /// <exception cref="UnauthorizedAccessException">This user may not write there.</exception>
    public RotatingLogFile(string path, long maxBytes = DefaultMaxBytes)
    {
        Path = System.IO.Path.GetFullPath(path);
        _maxBytes = maxBytes;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _writer = Open(Path);
    }

    /// <summary>The file written now.</summary>
    public string Path { get; }

    /// <summary>Where the previous file goes when this one is full: <c>agent.log</c> → <c>agent.1.log</c>.</summary>
    public string PreviousPath => System.IO.Path.Combine(
        System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileNameWithoutExtension(Path) + ".1" + System.IO.Path.GetExtension(Path));

    public override Encoding Encoding => _writer.Encoding;

    public override void Write(char value) => _writer.Write(value);

    public override void Write(string? value) => _writer.Write(value);

    public override void WriteLine(string? value)
    {
        if (_writer.BaseStream.Length >= _maxBytes)
        {
            Rotate();
        }

        _writer.WriteLine(value);
    }

    public override void Flush() => _writer.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Rotate()
    {
        _writer.Dispose();
        try
        {
            File.Delete(PreviousPath);
            File.Move(Path, PreviousPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Someone holds the old file open without sharing it: keep appending rather than lose lines.
        }

        _writer = Open(Path);
    }

    private static StreamWriter Open(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false)) { AutoFlush = false };
}
