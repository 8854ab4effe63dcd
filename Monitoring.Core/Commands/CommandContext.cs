using System.Text.Json;
using Monitoring.Metrics;

namespace Monitoring.Commands;

/// <summary>What a handler gets: the command's id and arguments, and the agent's services.</summary>
public sealed class CommandContext
{
    private readonly IReadOnlyDictionary<string, JsonElement> _arguments;

    /// <summary>Creates a context.</summary>
    /// <param name="commandId">The command's id.</param>
    /// <param name="agentId">The agent running it.</param>
    /// <param name="arguments">The validated arguments.</param>
    /// <param name="collect">Takes a fresh metric snapshot.</param>
    /// <param name="timeProvider">The clock.</param>
    public CommandContext(
        string commandId,
        string agentId,
        IReadOnlyDictionary<string, JsonElement>? arguments,
        Func<MetricSnapshot> collect,
        TimeProvider? timeProvider = null)
    {
        CommandId = commandId;
        AgentId = agentId;
        _arguments = arguments ?? new Dictionary<string, JsonElement>();
        Collect = collect;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The command's id.</summary>
    public string CommandId { get; }

    /// <summary>The agent running it.</summary>
    public string AgentId { get; }

    /// <summary>Takes a fresh metric snapshot with the agent's collector.</summary>
    public Func<MetricSnapshot> Collect { get; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>An integer argument, or <paramref name="fallback"/> when absent.</summary>
    public long GetInt64(string name, long fallback) =>
        _arguments.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : fallback;

    /// <summary>A string argument, or <paramref name="fallback"/> when absent.</summary>
    public string GetString(string name, string fallback) =>
        _arguments.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;

    /// <summary>A boolean argument, or <paramref name="fallback"/> when absent.</summary>
    public bool GetBoolean(string name, bool fallback) =>
        _arguments.TryGetValue(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
}
