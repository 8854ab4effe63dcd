using Monitoring.Configuration;

namespace Monitoring.Core.Tests.Configuration;

public class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("10", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("00:00:30", 30_000)]
    [InlineData(" 3 s ", 3_000)]
    public void TryParse_ReadsCommonForms(string text, double ms)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("s")]
    public void TryParse_RefusesWhatIsNotADuration(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void Parse_Error_NamesTheKeyAndShowsExamples()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Duration.Parse("soon", "interval", "agent.yaml", 3, 11));

        Assert.Equal("interval", ex.Key);
        Assert.Contains("10s", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("agent.yaml(3,11) key 'interval':", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(10_000, "10s")]
    [InlineData(120_000, "2m")]
    [InlineData(7_200_000, "2h")]
    public void Format_RoundTrips(double ms, string text)
    {
        Assert.Equal(text, Duration.Format(TimeSpan.FromMilliseconds(ms)));
        Assert.True(Duration.TryParse(text, out var back));
        Assert.Equal(ms, back.TotalMilliseconds);
    }
}
