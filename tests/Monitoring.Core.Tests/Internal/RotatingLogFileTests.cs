using Monitoring.Internal;

namespace Monitoring.Core.Tests.Internal;

public sealed class RotatingLogFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Lines_AreAppendedToWhatIsThere_AndReadableWhileOpen()
    {
        var path = Path.Combine(_dir, "logs", "agent.log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "from the last run\n");
        using var log = new RotatingLogFile(path);

        log.WriteLine("first");
        log.Flush();

        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Assert.Equal("from the last run\nfirst\n", new StreamReader(reader).ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void AFullFile_BecomesTheOldOne_AndOnlyOneOldOneIsKept()
    {
        var path = Path.Combine(_dir, "agent.log");
        using var log = new RotatingLogFile(path, maxBytes: 100);
        var line = new string('a', 59); // 60 bytes with the newline

        for (var i = 0; i < 7; i++)
        {
            log.WriteLine(line + i);
            log.Flush();
        }

        Assert.Equal(Path.Combine(_dir, "agent.1.log"), log.PreviousPath);
        Assert.Equal([line + "6"], File.ReadAllLines(path));
        Assert.Equal([line + "4", line + "5"], File.ReadAllLines(log.PreviousPath));
        Assert.Equal(["agent.1.log", "agent.log"], Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)).Order().ToList());
    }

    [Fact]
    public void AFolderThatCannotBeMade_IsAnIOException()
    {
        var file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "");

        Assert.ThrowsAny<IOException>(() => new RotatingLogFile(Path.Combine(file, "agent.log")));
    }
}
