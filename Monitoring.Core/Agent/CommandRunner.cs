using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Monitoring.Client;
using Monitoring.Commands;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>
/// The agent's command channel: holds the command stream (or a long-poll) to the manager, runs each delivered command
/// at most once (remembered in the state directory), and reports its result.
/// </summary>
internal sealed partial class CommandRunner : IDisposable
{
    public const int MaxResultBytes = 1024 * 1024;

    private readonly AgentRuntimeOptions _options;
    private readonly AgentConnection _connection;
    private readonly ExecutedCommandStore _store;
    private readonly Dictionary<string, ICommandHandler> _handlers;
    private readonly Func<MetricSnapshot> _collect;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots;

    public CommandRunner(
        AgentRuntimeOptions options,
        AgentConnection connection,
        IReadOnlyList<ICommandHandler> handlers,
        Func<MetricSnapshot> collect,
        ILogger logger)
    {
        _options = options;
        _connection = connection;
        _store = new ExecutedCommandStore(Path.Combine(options.StateDirectory, "commands"));
        _handlers = handlers.ToDictionary(h => h.Definition.Name, StringComparer.Ordinal);
        _collect = collect;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxConcurrentCommands);
    }

    public IReadOnlyList<CommandDefinition> Definitions => [.. _handlers.Values.Select(h => h.Definition)];

    /// <summary>Polls once and dispatches what came.</summary>
    public async Task PollOnceAsync(TimeSpan wait, CancellationToken ct)
    {
        if (await _connection.NextCommandAsync(_options.AgentId, [.. _running.Keys], wait, ct).ConfigureAwait(false) is { } delivery)
        {
            Dispatch(delivery, ct);
        }
    }

    /// <summary>Holds the command stream until the manager ends it, dispatching each command as it comes.</summary>
    public Task StreamOnceAsync(CancellationToken ct) =>
        _connection.StreamCommandsAsync(_options.AgentId, [.. _running.Keys], (delivery, token) =>
        {
            Dispatch(delivery, token);
            return Task.CompletedTask;
        }, ct);

    /// <summary>Starts a delivered command, or answers a redelivered one from the agent's record; never waits for it.</summary>
    private void Dispatch(CommandDelivery delivery, CancellationToken ct)
    {
        if (_running.ContainsKey(delivery.Id))
        {
            return;
        }

        if (!ExecutedCommandStore.IsValidId(delivery.Id))
        {
            LogMalformedId(_logger, delivery.Id);
            return;
        }

        var previous = _store.Get(delivery.Id);
        var resumable = previous is { Result: null } && _handlers.TryGetValue(delivery.Name, out var h) && h.Definition.Resumable;
        if (previous is not null && !resumable)
        {
            // Redelivered after a lost connection or an agent restart: answer, never run it again.
            var result = previous.Result ?? new CommandResult
            {
                Success = false,
                Error = $"The agent stopped while '{delivery.Name}' was running; it was not run again so that it runs at most once. Check the machine before retrying.",
            };
            if (previous.Result is null)
            {
                _store.Save(previous with { Id = delivery.Id, Name = delivery.Name, Result = result });
            }

            LogRedelivered(_logger, delivery.Id, delivery.Name);
            Track(delivery.Id, ReportAsync(delivery, result, null, ct));
            return;
        }

        var started = new ExecutedCommand { Id = delivery.Id, Name = delivery.Name, StartedAt = _options.TimeProvider.GetUtcNow() };
        // A command that changes something runs only once its start is on disk: after a power cut it is answered, never
        // run again. One that only reads may run twice after a power cut, so its record need not wait for the disk.
        var readOnly = _handlers.TryGetValue(delivery.Name, out var handler) && handler.Definition.ReadOnly;
        _store.Save(started, durable: !readOnly);

        Track(delivery.Id, RunAsync(delivery, started, readOnly, ct));
    }

    public void Dispose()
    {
        _store.Dispose();
    }

    /// <summary>Waits for commands still running, for a clean stop.</summary>
    public async Task DrainAsync()
    {
        try
        {
            await Task.WhenAll(_running.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while a result was on its way: the manager hands the command out again after the restart and the
            // agent answers it from its record.
        }
    }

    private void Track(string id, Task task)
    {
        _running[id] = task;
        _ = task.ContinueWith(_ => _running.TryRemove(id, out Task? _), TaskScheduler.Default);
    }

    private async Task RunAsync(CommandDelivery delivery, ExecutedCommand started, bool readOnly, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        CommandOutcome? outcome = null;
        CommandResult result;
        var watch = Stopwatch.StartNew();
        try
        {
            (result, outcome) = await ExecuteAsync(delivery, ct).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }

        // Not waited onto disk: if a power cut loses it, a redelivery finds the start alone and answers that the agent
        // stopped while the command ran, which is still at most once. A read-only command's outcome is saved after it
        // is reported (off the round trip): until then the command is running, so a redelivery is not run again, and
        // after a crash in between the redelivery finds the start and is not run again either.
        var finished = started with { Result = result };
        if (!readOnly)
        {
            _store.Save(finished, durable: false);
        }

        if (result.Success)
        {
            LogSucceeded(_logger, delivery.Id, delivery.Name, watch.ElapsedMilliseconds);
        }
        else
        {
            LogFailed(_logger, delivery.Id, delivery.Name, result.Error);
        }

        try
        {
            await ReportAsync(delivery, result, outcome?.AfterReply, ct).ConfigureAwait(false);
        }
        finally
        {
            if (readOnly)
            {
                _store.Save(finished, durable: false);
            }
        }
    }

    private async Task<(CommandResult, CommandOutcome?)> ExecuteAsync(CommandDelivery delivery, CancellationToken ct)
    {
        if (!_handlers.TryGetValue(delivery.Name, out var handler))
        {
            return (Failure($"Agent '{_options.AgentId}' has no command '{delivery.Name}'; it knows: {string.Join(", ", _handlers.Keys.OrderBy(k => k, StringComparer.Ordinal))}."), null);
        }

        if (handler.Definition.Validate(delivery.Arguments) is { } invalid)
        {
            return (Failure(invalid), null);
        }

        var timeout = TimeSpan.FromSeconds(Math.Max(1, delivery.TimeoutSeconds));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var context = new CommandContext(delivery.Id, _options.AgentId, delivery.Arguments, _collect, _options.TimeProvider);
            var outcome = await handler.ExecuteAsync(context, cts.Token).ConfigureAwait(false);
            if (!outcome.Success)
            {
                return (Failure(outcome.Error ?? $"'{delivery.Name}' failed without saying why."), null);
            }

            if (outcome.Result is { } r && r.GetRawText().Length > MaxResultBytes)
            {
                return (Failure($"'{delivery.Name}' produced more than {MaxResultBytes / 1024} KiB of result; ask for less (fewer lines or processes)."), null);
            }

            return (new CommandResult { Success = true, Result = outcome.Result }, outcome);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (Failure($"'{delivery.Name}' did not finish within its timeout of {timeout.TotalSeconds:0} s and was stopped."), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogThrew(_logger, ex, delivery.Id, delivery.Name);
            return (Failure($"'{delivery.Name}' failed on agent '{_options.AgentId}': {ex.Message}"), null);
        }
    }

    private async Task ReportAsync(CommandDelivery delivery, CommandResult result, Func<CancellationToken, Task>? afterReply, CancellationToken ct)
    {
        try
        {
            if (!await _connection.PostCommandResultAsync(_options.AgentId, delivery.Id, result, ct).ConfigureAwait(false))
            {
                LogAlreadyAnswered(_logger, delivery.Id, delivery.Name);
            }
        }
        catch (MonitoringApiException ex)
        {
            // Kept in the state directory: the manager delivers the command again and gets this stored result.
            LogReportFailed(_logger, delivery.Id, ex.Message);
        }

        if (afterReply is not null)
        {
            await afterReply(ct).ConfigureAwait(false);
        }
    }

    private static CommandResult Failure(string error) => new() { Success = false, Error = error };

    [LoggerMessage(Level = LogLevel.Error, Message = "The manager sent a command with a malformed id '{Id}'; ignored")]
    private static partial void LogMalformedId(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Name}) was delivered again; answering with its stored outcome")]
    private static partial void LogRedelivered(ILogger logger, string commandId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Name}) succeeded in {Ms} ms")]
    private static partial void LogSucceeded(ILogger logger, string commandId, string name, long ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} ({Name}) failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string commandId, string name, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {CommandId} ({Name}) threw")]
    private static partial void LogThrew(ILogger logger, Exception ex, string commandId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "The manager already has an outcome for command {CommandId} ({Name}); this result was not recorded")]
    private static partial void LogAlreadyAnswered(ILogger logger, string commandId, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot report the result of command {CommandId} yet: {Reason}")]
    private static partial void LogReportFailed(ILogger logger, string commandId, string reason);
}
