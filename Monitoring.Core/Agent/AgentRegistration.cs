using Microsoft.Extensions.Logging;
using Monitoring.Client;
using Monitoring.Commands;
using Monitoring.Internal;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>
/// Who the agent is to the manager: the state kept in <c>state.json</c> (token, instance key, acknowledged sequence
/// number), enrollment and registration, approval, and what happens when the manager no longer accepts the agent.
/// </summary>
internal sealed partial class AgentRegistration
{
    private readonly AgentRuntimeOptions _options;
    private readonly AgentConnection _connection;
    private readonly AgentConnection _poll;
    private readonly ConnectionHealth _health;
    private readonly ILogger _logger;
    private readonly AgentStateStore _store;
    private TaskCompletionSource<bool> _registeredSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _everRegistered;
    private bool _pendingLogged;
    private string? _revoked;

    public AgentRegistration(AgentRuntimeOptions options, AgentConnection connection, AgentConnection poll, ConnectionHealth health, ILogger logger)
    {
        _options = options;
        _connection = connection;
        _poll = poll;
        _health = health;
        _logger = logger;
        _store = new AgentStateStore(options.StateDirectory);
    }

    /// <summary>What the agent remembers between runs; <see cref="Save"/> writes it.</summary>
    public AgentState State { get; private set; } = new();

    /// <summary>True while the manager accepts this agent's reports and polls.</summary>
    public bool IsRegistered { get; private set; }

    /// <summary>Why the manager no longer accepts this agent; null while it does.</summary>
    public string? Rejection => _revoked;

    /// <summary>
    /// Reads the state directory and makes sure the agent can reach the manager: an existing token for this id and
    /// manager, or an enrollment token to get one. Creates the instance key before the first enrollment.
    /// </summary>
    /// <exception cref="InvalidOperationException">No token and no enrollment token.</exception>
    public void Load()
    {
        SecureFile.CreateOwnerOnlyDirectory(_options.StateDirectory);
        State = _store.Load();
        if (State.Token is not null && (State.AgentId != _options.AgentId || State.ManagerUrl != _options.ManagerUrl.ToString()))
        {
            LogIdentityChanged(_logger, State.AgentId, State.ManagerUrl);
            State = new AgentState();
        }

        if (State.Token is null && string.IsNullOrWhiteSpace(_options.EnrollmentToken))
        {
            throw new InvalidOperationException(
                $"Agent '{_options.AgentId}' has no token in {Path.GetFullPath(_options.StateDirectory)} and no enrollment token to get one: " +
                "pass --enrollment-token-file with the manager's enrollment.token (from its data directory).");
        }

        if (State.InstanceKey is null)
        {
            // Saved before the first enrollment, so a retry after a crash presents the same key.
            var key = new byte[32];
            using (var random = System.Security.Cryptography.RandomNumberGenerator.Create())
            {
                random.GetBytes(key);
            }

            State.InstanceKey = Convert.ToBase64String(key).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            Save();
        }

        _connection.Token = State.Token;
        _poll.Token = State.Token;
    }

    /// <summary>Writes <see cref="State"/> to <c>state.json</c>.</summary>
    public void Save() => _store.Save(State);

    /// <summary>
    /// Registers with the manager (enrolling first when the agent has no token), unless it was rejected. On success
    /// <paramref name="registered"/> gets the manager's last sequence number for this agent and whether this was a
    /// fresh enrollment, before the new state is saved.
    /// </summary>
    public async Task RegisterAsync(IReadOnlyList<CommandDefinition> commands, Action<long, bool> registered, CancellationToken ct)
    {
        if (_revoked is not null)
        {
            return;
        }

        var request = new RegisterRequest
        {
            AgentId = _options.AgentId,
            Hostname = Environment.MachineName,
            Os = MetricCollector.OsFamily,
            OsVersion = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            AgentVersion = _options.AgentVersion,
            IntervalSeconds = _options.Interval.TotalSeconds,
            Labels = new Dictionary<string, string>(_options.Labels, StringComparer.Ordinal),
            Commands = commands,
            InstanceKey = State.InstanceKey,
        };

        try
        {
            RegisterResponse response;
            if (State.Token is not null)
            {
                try
                {
                    response = await _connection.RegisterAsync(request, State.Token, ct).ConfigureAwait(false);
                    AfterRegistration(response, enrolled: false, registered);
                    return;
                }
                catch (MonitoringApiException ex) when (ex.StatusCode == 401)
                {
                    // Only the first registration of a run may fall back to enrolling, and only with an enrollment
                    // token configured: the manager allows it just for an id an admin reset (or removed).
                    if (_everRegistered || string.IsNullOrWhiteSpace(_options.EnrollmentToken))
                    {
                        Revoked();
                        return;
                    }

                    LogEnrollingAgain(_logger);
                }
            }

            response = await _connection.RegisterAsync(request, _options.EnrollmentToken!, ct).ConfigureAwait(false);
            AfterRegistration(response, enrolled: true, registered);
        }
        catch (MonitoringApiException ex) when (ex.Code == ErrorCodes.AgentExists)
        {
            // Someone else's enrollment must never take over a live id, and neither may ours: say how to rejoin, once.
            Revoked(ex.Message);
        }
        catch (MonitoringApiException ex)
        {
            _health.Failed(ex.StatusCode == 401
                ? $"the manager rejected the enrollment token; check --enrollment-token-file against the manager's enrollment.token or ask an admin for a new one ({ex.Message})"
                : ex.Message);
        }
    }

    /// <summary>Completes once the agent is registered (at once if it is).</summary>
    public async Task WhenRegisteredAsync(CancellationToken ct)
    {
#if NET
        await _registeredSignal.Task.WaitAsync(ct).ConfigureAwait(false);
#else
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (ct.Register(() => cancelled.TrySetCanceled()))
        {
            await (await Task.WhenAny(_registeredSignal.Task, cancelled.Task).ConfigureAwait(false)).ConfigureAwait(false);
        }
#endif
    }

    /// <summary>The manager says the agent waits for approval again: register anew before reporting.</summary>
    public void Lost()
    {
        if (IsRegistered)
        {
            IsRegistered = false;
            _registeredSignal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>
    /// The manager no longer accepts this agent: it stops reporting and says once, plainly, what an admin does about
    /// it, instead of re-enrolling on its own (which would fight whoever holds the id now).
    /// </summary>
    public void Revoked(string? detail = null)
    {
        Lost();
        _health.Disconnected();
        var reason = detail ?? $"the manager rejected agent '{_options.AgentId}''s token: an admin revoked, reset or removed it";
        if (Interlocked.CompareExchange(ref _revoked, reason, null) is not null)
        {
            return;
        }

        LogRejected(_logger, _options.AgentId, reason);
    }

    private void AfterRegistration(RegisterResponse response, bool enrolled, Action<long, bool> registered)
    {
        if (response.LastSeq is < 0 or >= MetricSnapshot.MaxSeq)
        {
            _health.Failed($"the manager answered an impossible last sequence number ({response.LastSeq}); refusing to number snapshots after it");
            return;
        }

        if (enrolled)
        {
            if (string.IsNullOrEmpty(response.AgentToken))
            {
                _health.Failed("the manager accepted the enrollment but sent no agent token; upgrade the manager");
                return;
            }

            State = new AgentState
            {
                AgentId = _options.AgentId,
                ManagerUrl = _options.ManagerUrl.ToString(),
                Token = response.AgentToken,
                InstanceKey = State.InstanceKey,
                LastAckedSeq = response.LastSeq,
            };
        }

        registered(response.LastSeq, enrolled);
        if (enrolled)
        {
            Save();
            _connection.Token = response.AgentToken;
            _poll.Token = response.AgentToken;
            LogEnrolled(_logger, _options.ManagerUrl, _options.AgentId);
        }
        else
        {
            LogRegistered(_logger, _options.ManagerUrl, _options.AgentId);
        }

        _everRegistered = true;
        if (response.Enrollment == AgentEnrollment.Pending)
        {
            if (!_pendingLogged)
            {
                LogPending(_logger, _options.AgentId);
                _pendingLogged = true;
            }

            _health.Succeeded();
            return;
        }

        if (_pendingLogged)
        {
            LogApproved(_logger, _options.AgentId);
            _pendingLogged = false;
        }

        IsRegistered = true;
        _registeredSignal.TrySetResult(true);
        _health.Succeeded();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The agent id or manager changed since the last run ({OldId} at {OldUrl}); enrolling again")]
    private static partial void LogIdentityChanged(ILogger logger, string? oldId, string? oldUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The manager does not accept this agent's token; trying to enroll again with the enrollment token")]
    private static partial void LogEnrollingAgain(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Agent {AgentId} stopped reporting: {Reason}. To rejoin, an admin runs 'Reset-MonAgent -Agent {AgentId}', then this agent is restarted with its enrollment token (--enrollment-token-file). Snapshots keep spooling meanwhile.")]
    private static partial void LogRejected(ILogger logger, string agentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrolled with the manager at {Url} as agent {AgentId}")]
    private static partial void LogEnrolled(ILogger logger, Uri url, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with the manager at {Url} as agent {AgentId}")]
    private static partial void LogRegistered(ILogger logger, Uri url, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} waits for an admin's approval ('Approve-MonAgent -Agent {AgentId}'); snapshots spool until then")]
    private static partial void LogPending(ILogger logger, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} was approved; reporting")]
    private static partial void LogApproved(ILogger logger, string agentId);
}
