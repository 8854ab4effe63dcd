using YamlDotNet.RepresentationModel;

namespace Monitoring.EndToEnd.Tests;

/// <summary>
/// The shipped systemd units (docs/systemd) as systemd itself reads them, and against the example configurations
/// they are meant to run: every folder a configuration has the program write must be writable under the unit's
/// ProtectSystem=strict.
/// </summary>
public sealed class SystemdUnitTests
{
    private static readonly string Units = Path.Combine(ServerProcess.RepoRoot, "docs", "systemd");

    [Theory]
    [InlineData("monitoring-manager.service")]
    [InlineData("monitoring-agent.service")]
    public async Task SystemdAnalyzeVerify_AcceptsTheUnit_WithoutAWarning(string unit)
    {
        var (code, output) = await ProcessRun.RunAsync("systemd-analyze", null, "verify", Path.Combine(Units, unit));

        Assert.True(code == 0 && output.Trim().Length == 0, $"systemd-analyze verify {unit} exited {code}:\n{output}");
    }

    [Fact]
    public void TheManagerExample_WritesOnlyWhereItsUnitLetsIt()
    {
        var unit = Unit("monitoring-manager.service");
        var yaml = Yaml("manager.example.yaml");
        var writable = Writable(unit);

        Assert.Equal("/var/lib/" + unit["StateDirectory"].Single(), Scalar(yaml, "dataDir"));
        Assert.Contains(writable, w => IsUnder(Scalar(yaml, "thresholdsFile")!, w));
    }

    [Fact]
    public void TheAgentExample_WritesOnlyWhereItsUnitLetsIt()
    {
        var unit = Unit("monitoring-agent.service");
        var yaml = Yaml("agent.example.yaml");
        var writable = Writable(unit);

        Assert.Equal("/var/lib/" + unit["StateDirectory"].Single(), Scalar(yaml, "stateDir"));
        var folders = ((YamlSequenceNode)((YamlMappingNode)yaml.Children[new YamlScalarNode("files")]).Children[new YamlScalarNode("write")])
            .Select(n => ((YamlScalarNode)n).Value!).ToList();
        Assert.NotEmpty(folders);
        foreach (var folder in folders)
        {
            Assert.True(writable.Any(w => IsUnder(folder, w)), $"files.write folder {folder} is read-only under the unit; add ReadWritePaths=-{folder}.");
        }
    }

    /// <summary>The unit's settings, each key with every value it is given.</summary>
    private static Dictionary<string, List<string>> Unit(string name)
    {
        var settings = new Dictionary<string, List<string>>();
        foreach (var line in File.ReadLines(Path.Combine(Units, name)).Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')))
        {
            var (key, value) = (line[..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            (settings.TryGetValue(key, out var values) ? values : settings[key] = []).AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        return settings;
    }

    /// <summary>What a unit with ProtectSystem=strict may write: its state directories and its ReadWritePaths.</summary>
    private static List<string> Writable(Dictionary<string, List<string>> unit)
    {
        Assert.Equal("strict", unit["ProtectSystem"].Single());
        return [.. unit["StateDirectory"].Select(d => "/var/lib/" + d), .. unit.GetValueOrDefault("ReadWritePaths", []).Select(p => p.TrimStart('-'))];
    }

    private static YamlMappingNode Yaml(string name)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(ServerProcess.RepoRoot, "docs", name)));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode yaml, string key) =>
        yaml.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlScalarNode)node).Value : null;

    private static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);
}
