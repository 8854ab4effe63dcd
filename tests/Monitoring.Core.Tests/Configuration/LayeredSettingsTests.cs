using Monitoring.Configuration;

namespace Monitoring.Core.Tests.Configuration;

public sealed class LayeredSettingsTests : IDisposable
{
    private static readonly IReadOnlyList<Setting> Schema =
    [
        new("config", "file", @switch: "--config"),
        new("interval", "how often"),
        new("files:read", "roots"),
        new("labels", "labels", isSection: true),
    ];

    // A prefix of its own, so parallel tests and the machine's environment cannot interfere.
    private readonly string _prefix = "MONTEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant() + "_";
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"layered-{Guid.NewGuid():N}.yaml");
    private readonly List<string> _variables = [];

    public void Dispose()
    {
        File.Delete(_file);
        _variables.ForEach(v => Environment.SetEnvironmentVariable(v, null));
    }

    private void Env(string name, string value)
    {
        Environment.SetEnvironmentVariable(_prefix + name, value);
        _variables.Add(_prefix + name);
    }

    private LayeredSettings Load(string yaml, Dictionary<string, string>? args = null)
    {
        File.WriteAllText(_file, yaml);
        var commandLine = new Dictionary<string, string>(args ?? [], StringComparer.OrdinalIgnoreCase) { ["config"] = _file };
        return LayeredSettings.Load(Schema, _prefix, commandLine, "the test host");
    }

    [Fact]
    public void EnvironmentOverridesTheFile_AndTheCommandLineOverridesBoth()
    {
        Assert.Equal(TimeSpan.FromHours(1), Load("interval: 1h\n").Duration("interval", TimeSpan.Zero));

        Env("INTERVAL", "2h");
        Assert.Equal(TimeSpan.FromHours(2), Load("interval: 1h\n").Duration("interval", TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromHours(3), Load("interval: 1h\n", new() { ["interval"] = "3h" }).Duration("interval", TimeSpan.Zero));
    }

    [Fact]
    public void ListFromAHigherLayer_ReplacesTheWholeList_AndSectionsMergePerKey()
    {
        Env("FILES__READ__0", "/srv");
        Env("LABELS__ROLE", "db");
        var settings = Load("files:\n  read: [/a, /b]\nlabels:\n  role: web\n  site: par\n");

        Assert.Equal(["/srv"], settings.List("files:read")!);
        Assert.Equal(new Dictionary<string, string> { ["role"] = "db", ["site"] = "par" }, settings.Section("labels"));
    }

    [Fact]
    public void ErrorsNameWhereTheValueCameFrom()
    {
        var fromFile = Assert.Throws<ConfigurationException>(() => Load("\ninterval: soon\n").Duration("interval", TimeSpan.Zero));
        Assert.Equal(_file, fromFile.File);
        Assert.Equal(2, fromFile.Line);

        Env("INTERVAL", "later");
        var fromEnvironment = Assert.Throws<ConfigurationException>(() => Load("interval: soon\n").Duration("interval", TimeSpan.Zero));
        Assert.Contains($"environment variable {_prefix}INTERVAL", fromEnvironment.Message, StringComparison.Ordinal);
        Assert.Contains("'later'", fromEnvironment.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeyInTheFile_IsRefusedWithItsPositionAndTheClosestKnownKey()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load("interval: 1h\nintreval: 2h\n"));

        Assert.Equal(2, ex.Line);
        Assert.Equal("intreval", ex.Key);
        Assert.Contains("Did you mean 'interval'?", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--managr", "--manager")]
    [InlineData("--data-dri", "--data-dir")]
    [InlineData("--zzzzzz", null)]
    public void Suggestions_FindTheClosestName(string typed, string? expected) =>
        Assert.Equal(expected, Suggestions.Closest(typed, ["--manager", "--data-dir", "--interval"]));

    [Theory]
    [InlineData("rateLimits:requestsPerSecondPerCredential", "--rate-limits-requests-per-second-per-credential")]
    [InlineData("dataDir", "--data-dir")]
    [InlineData("files:maxBytes", "--files-max-bytes")]
    public void Switches_AreTheKeyInKebabCase(string key, string expected) => Assert.Equal(expected, new Setting(key, "").Switch);
}
