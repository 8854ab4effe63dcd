using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Monitoring.Commands;

/// <summary>What a handler returns: a typed result or a failure, and optionally work to do after the reply.</summary>
public sealed class CommandOutcome
{
    private CommandOutcome(bool success, JsonElement? result, string? error, Func<CancellationToken, Task>? afterReply)
    {
        Success = success;
        Result = result;
        Error = error;
        AfterReply = afterReply;
    }

    /// <summary>True when the command succeeded.</summary>
    public bool Success { get; }

    /// <summary>The result as JSON.</summary>
    public JsonElement? Result { get; }

    /// <summary>Why it failed, and what to do.</summary>
    public string? Error { get; }

    /// <summary>Work the agent runs once the manager has the result (a restart answers before it restarts).</summary>
    public Func<CancellationToken, Task>? AfterReply { get; }

    /// <summary>A success with a typed result.</summary>
    public static CommandOutcome Ok<T>(T value, JsonTypeInfo<T> type, Func<CancellationToken, Task>? afterReply = null) =>
        new(true, JsonSerializer.SerializeToElement(value, type), null, afterReply);

    /// <summary>A failure with a message that says what went wrong and what to do.</summary>
    public static CommandOutcome Fail(string error) => new(false, null, error, null);
}
