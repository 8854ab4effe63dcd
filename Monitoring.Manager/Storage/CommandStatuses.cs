using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Command statuses as stored: the wire names, read from the enum's own attributes (spelled once).</summary>
internal static class CommandStatuses
{
    public static string ToWire(CommandStatus status) => WireNames.Of(status, MonitoringJsonContext.Default.CommandStatus);

    /// <summary>A stored status; a word no version wrote (a damaged row) reads as expired, a final state.</summary>
    public static CommandStatus Parse(string s) => WireNames.Parse(s, MonitoringJsonContext.Default.CommandStatus) ?? CommandStatus.Expired;
}
