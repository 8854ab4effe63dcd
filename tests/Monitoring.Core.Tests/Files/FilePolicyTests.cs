using Monitoring.Files;

namespace Monitoring.Core.Tests.Files;

public sealed class FilePolicyTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("monitoring-policy-").FullName;
    private readonly string _root;
    private readonly string _outside;

    public FilePolicyTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_base, "allowed")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_base, "outside")).FullName;
        File.WriteAllText(Path.Combine(_root, "ok.txt"), "ok");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
        Directory.CreateDirectory(Path.Combine(_outside, "dir"));
        File.CreateSymbolicLink(Path.Combine(_root, "escape.txt"), Path.Combine(_outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "linkdir"), Path.Combine(_outside, "dir"));
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private FilePolicy Policy() => new([_root], [_root]);

    [Fact]
    public void NoRoots_TurnsFileAccessOff()
    {
        var policy = new FilePolicy();

        var read = Assert.Throws<FileAccessDeniedException>(() => policy.ResolveForRead(Path.Combine(_root, "ok.txt")));
        var write = Assert.Throws<FileAccessDeniedException>(() => policy.ResolveForWrite(Path.Combine(_root, "new.txt")));

        Assert.Contains("files.read", read.Message, StringComparison.Ordinal);
        Assert.Contains("off", read.Message, StringComparison.Ordinal);
        Assert.Contains("files.write", write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InsideTheRoot_IsAllowed()
    {
        Assert.Equal(Path.Combine(_root, "ok.txt"), Policy().ResolveForRead(Path.Combine(_root, "ok.txt")));
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        Assert.Equal(Path.Combine(_root, "ok.txt"), Policy().ResolveForRead(Path.Combine(_root, ".", "sub", "..", "ok.txt")));
        Assert.Equal(Path.Combine(_root, "new.txt"), Policy().ResolveForWrite(Path.Combine(_root, "new.txt")));
    }

    public static TheoryData<string, string> Escapes => new()
    {
        { "{root}/../outside/secret.txt", "outside the folders" },
        { "{outside}/secret.txt", "outside the folders" },
        { "/etc/passwd", "outside the folders" },
        { "{root}/%2e%2e%2foutside/secret.txt", "is not a file" },
        { "{root}/escape.txt", "outside the folders" },
        { "{root}/linkdir/../secret.txt", "outside the folders" },
        { "{root}/ok.txt\0.png", "NUL" },
        { "{root}/" + new string('a', 300), "too long" },
        { "relative/ok.txt", "not a full local path" },
        { "", "empty" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Escapes_AreRefusedNamingTheRule(string template, string expected)
    {
        var path = template.Replace("{root}", _root, StringComparison.Ordinal).Replace("{outside}", _outside, StringComparison.Ordinal);

        var ex = Assert.Throws<FileAccessDeniedException>(() => Policy().ResolveForRead(path));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Escapes_AreRefusedForWritingToo(string template, string _)
    {
        var path = template.Replace("{root}", _root, StringComparison.Ordinal).Replace("{outside}", _outside, StringComparison.Ordinal);

        Assert.Throws<FileAccessDeniedException>(() => Policy().ResolveForWrite(path));
    }

    [Fact]
    public void Write_NeedsAnExistingFolderAndAFileName()
    {
        var missing = Assert.Throws<FileAccessDeniedException>(() => Policy().ResolveForWrite(Path.Combine(_root, "nope", "x.txt")));
        var folder = Assert.Throws<FileAccessDeniedException>(() => Policy().ResolveForWrite(_root));

        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Contains("is a folder", folder.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARootThatIsALink_IsResolvedOnce_AndPathsThroughItAreAllowed()
    {
        var linkedRoot = Path.Combine(_base, "root-link");
        Directory.CreateSymbolicLink(linkedRoot, _root);

        var policy = new FilePolicy([linkedRoot]);

        Assert.Equal([_root], policy.ReadRoots);
        Assert.Equal(Path.Combine(_root, "ok.txt"), policy.ResolveForRead(Path.Combine(linkedRoot, "ok.txt")));
    }

    [Fact]
    public void AMissingRoot_IsAConfigurationError()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FilePolicy([Path.Combine(_base, "missing")]));

        Assert.Contains("files.read", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APrefixThatIsNotAFolderBoundary_IsNotInside()
    {
        var sibling = Directory.CreateDirectory(_root + "-evil").FullName;
        File.WriteAllText(Path.Combine(sibling, "x.txt"), "x");

        Assert.Throws<FileAccessDeniedException>(() => Policy().ResolveForRead(Path.Combine(sibling, "x.txt")));
    }
}
