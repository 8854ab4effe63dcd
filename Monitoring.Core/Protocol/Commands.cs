using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>Where a command is in its life.</summary>
public enum CommandStatus
{
    /// <summary>Stored, waiting for the agent to fetch it.</summary>
    [JsonStringEnumMemberName("queued")]
    Queued,

    /// <summary>Handed to the agent; no result yet.</summary>
    [JsonStringEnumMemberName("delivered")]
    Delivered,

    /// <summary>The agent ran it and it succeeded.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>The agent refused it or it failed; <see cref="CommandRecord.Error"/> says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Delivered, but no result came within its timeout.</summary>
    [JsonStringEnumMemberName("timed_out")]
    TimedOut,

    /// <summary>Never delivered: the agent did not connect within the command's time-to-live.</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,
}

/// <summary>An admin's request to run a command on an agent.</summary>
public sealed record CommandRequest
{
    /// <summary>The command's name, for example <c>get_process_count</c>; see <see cref="CommandNames"/>.</summary>
    public string Name { get; init; } = "";

    /// <summary>Typed arguments by name; absent or empty when the command takes none.</summary>
    public Dictionary<string, JsonElement>? Arguments { get; init; }

    /// <summary>How long the command may run once delivered, and how long the request waits (1–3600, default 30).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>How long it may wait in the queue for an offline agent before it expires (1–604800, default 900).</summary>
    public int? TtlSeconds { get; init; }

    /// <summary>False answers at once with the command's id (202); true (the default) waits for the result.</summary>
    public bool? Wait { get; init; }
}

/// <summary>A command as stored by the manager: the audit record and, once known, the outcome.</summary>
public sealed record CommandRecord
{
    /// <summary>The command's id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The agent it is for.</summary>
    public string AgentId { get; init; } = "";

    /// <summary>The command's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its arguments.</summary>
    public Dictionary<string, JsonElement>? Arguments { get; init; }

    /// <summary>Where it is in its life.</summary>
    public CommandStatus Status { get; init; }

    /// <summary>Which credential asked for it.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>When the manager stored it.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the agent first fetched it.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When it reached a final state.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When it expires if still undelivered.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>How long it may run once delivered.</summary>
    public int TimeoutSeconds { get; init; }

    /// <summary>The handler's result (typed JSON), for a succeeded command.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why it failed, timed out or expired, and what to do.</summary>
    public string? Error { get; init; }
}

/// <summary>A command handed to an agent by the long-poll.</summary>
public sealed record CommandDelivery
{
    /// <summary>The command's id; the agent answers a redelivery of the same id with its stored result.</summary>
    public string Id { get; init; } = "";

    /// <summary>The command's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its arguments.</summary>
    public Dictionary<string, JsonElement>? Arguments { get; init; }

    /// <summary>How long it may run.</summary>
    public int TimeoutSeconds { get; init; }
}

/// <summary>What an agent reports after running a command.</summary>
public sealed record CommandResult
{
    /// <summary>True when the command succeeded.</summary>
    public bool Success { get; init; }

    /// <summary>The handler's result, when it succeeded.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why it failed, for a person.</summary>
    public string? Error { get; init; }
}

/// <summary>The names of the built-in commands, as they go on the wire.</summary>
public static class CommandNames
{
    /// <summary>A fresh metric snapshot.</summary>
    public const string GetStatus = "get_status";

    /// <summary>The number of processes.</summary>
    public const string GetProcessCount = "get_process_count";

    /// <summary>The top processes by CPU or memory.</summary>
    public const string ListProcesses = "list_processes";

    /// <summary>The last lines of the system log.</summary>
    public const string GetLogs = "get_logs";

    /// <summary>Restart the machine (off unless the agent's own configuration allows it).</summary>
    public const string Restart = "restart";

    /// <summary>Upload a file from the agent to the manager's file store.</summary>
    public const string SendFile = "send_file";

    /// <summary>Download a file from the manager's store and write it on the agent.</summary>
    public const string ReceiveFile = "receive_file";
}
