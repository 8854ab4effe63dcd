using Monitoring.Configuration;

namespace Monitoring.Core.Tests.Configuration;

public class YamlSettingsTests
{
    [Fact]
    public void Parse_FlattensToColonKeysWithPositions()
    {
        var yaml = YamlSettings.Parse("manager: https://m:5000\ninterval: 5s\nlabels:\n  role: web\n  site: \"par 1\"\nfiles:\n  read: [/var/log, /tmp]\n", "agent.yaml");

        Assert.Equal("https://m:5000", yaml["manager"]);
        Assert.Equal("web", yaml["labels:role"]);
        Assert.Equal("par 1", yaml["LABELS:SITE"]);
        Assert.Equal("/tmp", yaml["files:read:1"]);
        // Positions point at the value, where a fix goes.
        Assert.Equal((2, 11), yaml.PositionOf("interval"));
        Assert.Equal(4, yaml.PositionOf("labels:role")!.Value.Line);
    }

    [Fact]
    public void Parse_InvalidYaml_NamesFileLineAndColumn()
    {
        var ex = Assert.Throws<ConfigurationException>(() => YamlSettings.Parse("interval: 5s\nlabels:\n  role: [web\n", "agent.yaml"));

        Assert.Equal("agent.yaml", ex.File);
        Assert.NotNull(ex.Line);
        Assert.StartsWith("agent.yaml(", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKey_IsRefusedWithItsPosition()
    {
        var ex = Assert.Throws<ConfigurationException>(() => YamlSettings.Parse("id: a\nid: b\n", "agent.yaml"));

        Assert.Equal(2, ex.Line);
        Assert.Contains("agent.yaml(2,", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TopLevelNotAMapping_IsRefused()
    {
        var ex = Assert.Throws<ConfigurationException>(() => YamlSettings.Parse("- a\n- b\n", "x.yaml"));

        Assert.Contains("mapping", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyFile_HasNoKeys()
    {
        Assert.Empty(YamlSettings.Parse("").Keys);
        Assert.Empty(YamlSettings.Parse("# only a comment\n").Keys);
    }

    [Fact]
    public void ErrorAt_PointsAtTheKey()
    {
        var yaml = YamlSettings.Parse("id: a\ninterval: soon\n", "agent.yaml");

        var ex = yaml.ErrorAt("interval", "not a duration");

        Assert.Equal("agent.yaml(2,11) key 'interval': not a duration", ex.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysWhichFile()
    {
        var ex = Assert.Throws<ConfigurationException>(() => YamlSettings.Load("/nonexistent/agent.yaml"));

        Assert.Contains("/nonexistent/agent.yaml", ex.Message, StringComparison.Ordinal);
    }
}
