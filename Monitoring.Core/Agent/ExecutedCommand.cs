using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>One command the agent has started, and its result once it finished.</summary>
internal sealed record ExecutedCommand
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public DateTimeOffset StartedAt { get; init; }

    public CommandResult? Result { get; init; }
}
