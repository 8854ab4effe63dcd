using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Protocol;

/// <summary>Each enum value has one wire spelling, read from its attribute: written and parsed the same way everywhere.</summary>
public sealed class WireNamesTests
{
    [Theory]
    [InlineData(CommandStatus.TimedOut, "timed_out")]
    [InlineData(CommandStatus.Succeeded, "succeeded")]
    [InlineData(CommandStatus.Expired, "expired")]
    public void CommandStatus_HasOneSpelling_InAndOut(CommandStatus status, string wire)
    {
        Assert.Equal(wire, WireNames.Of(status, MonitoringJsonContext.Default.CommandStatus));
        Assert.Equal(status, WireNames.Parse(wire, MonitoringJsonContext.Default.CommandStatus));
    }

    [Theory]
    [InlineData("timedout")]
    [InlineData("TimedOut")]
    [InlineData("Timed_Out")]
    [InlineData("4")]
    [InlineData("")]
    [InlineData("timed_out\"")]
    public void Parse_RefusesEveryOtherSpelling(string word)
    {
        Assert.Null(WireNames.Parse(word, MonitoringJsonContext.Default.CommandStatus));
    }

    [Fact]
    public void EveryValueOfEveryWireEnum_RoundTrips()
    {
        foreach (var value in Enum.GetValues<CommandStatus>())
        {
            Assert.Equal(value, WireNames.Parse(WireNames.Of(value, MonitoringJsonContext.Default.CommandStatus), MonitoringJsonContext.Default.CommandStatus));
        }

        foreach (var value in Enum.GetValues<AlertSeverity>())
        {
            Assert.Equal(value, WireNames.Parse(WireNames.Of(value, MonitoringJsonContext.Default.AlertSeverity), MonitoringJsonContext.Default.AlertSeverity));
        }

        foreach (var value in Enum.GetValues<AlertState>())
        {
            Assert.Equal(value, WireNames.Parse(WireNames.Of(value, MonitoringJsonContext.Default.AlertState), MonitoringJsonContext.Default.AlertState));
        }
    }
}
