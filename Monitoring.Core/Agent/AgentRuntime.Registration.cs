using Microsoft.Extensions.Logging;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>Enrollment and registration: tokens, the instance key, approval, and what happens when the manager no longer accepts the agent.</summary>
public sealed partial class AgentRuntime
{
    private async Task RegisterAsync(CancellationToken ct)
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
            Commands = _commands!.Definitions,
            InstanceKey = _state.InstanceKey,
        };

        try
        {
            RegisterResponse response;
            if (_state.Token is not null)
            {
                try
                {
                    response = await _connection.RegisterAsync(request, _state.Token, ct).ConfigureAwait(false);
                    AfterRegistration(response, enrolled: false);
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

                    _logger.LogWarning("The manager does not accept this agent's token; trying to enroll again with the enrollment token");
                }
            }

            response = await _connection.RegisterAsync(request, _options.EnrollmentToken!, ct).ConfigureAwait(false);
            AfterRegistration(response, enrolled: true);
        }
        catch (MonitoringApiException ex) when (ex.Code == ErrorCodes.AgentExists)
        {
            // Someone else's enrollment must never take over a live id, and neither may ours: say how to rejoin, once.
            Revoked(ex.Message);
        }
        catch (MonitoringApiException ex)
        {
            Failed(ex.StatusCode == 401
                ? $"the manager rejected the enrollment token; check --enrollment-token-file against the manager's enrollment.token or ask an admin for a new one ({ex.Message})"
                : ex.Message);
        }
    }

    /// <summary>
    /// The manager no longer accepts this agent: it stops reporting and says once, plainly, what an admin does about
    /// it, instead of re-enrolling on its own (which would fight whoever holds the id now).
    /// </summary>
    private void Revoked(string? detail = null)
    {
        LostRegistration();
        IsConnected = false;
        var reason = detail ?? $"the manager rejected agent '{_options.AgentId}''s token: an admin revoked, reset or removed it";
        if (Interlocked.CompareExchange(ref _revoked, reason, null) is not null)
        {
            return;
        }

        _logger.LogError(
            "Agent {AgentId} stopped reporting: {Reason}. To rejoin, an admin runs 'Reset-MonAgent -Agent {AgentId}', then this agent is restarted with its enrollment token (--enrollment-token-file). Snapshots keep spooling meanwhile.",
            _options.AgentId, _revoked, _options.AgentId);
    }

    private void AfterRegistration(RegisterResponse response, bool enrolled)
    {
        if (response.LastSeq is < 0 or >= MetricSnapshot.MaxSeq)
        {
            Failed($"the manager answered an impossible last sequence number ({response.LastSeq}); refusing to number snapshots after it");
            return;
        }

        if (enrolled)
        {
            if (string.IsNullOrEmpty(response.AgentToken))
            {
                Failed("the manager accepted the enrollment but sent no agent token; upgrade the manager");
                return;
            }

            _state = new AgentState
            {
                AgentId = _options.AgentId,
                ManagerUrl = _options.ManagerUrl.ToString(),
                Token = response.AgentToken,
                InstanceKey = _state.InstanceKey,
                LastAckedSeq = response.LastSeq,
            };

            // A fresh enrollment of an id the manager already has history for: number new snapshots after it,
            // or the manager would take them for replays and drop them.
            if (_spool!.Count > 0 && _spool.Peek(1)[0].Seq <= response.LastSeq)
            {
                _nextSeq = _spool.Renumber(response.LastSeq + 1);
            }

            _stateStore.Save(_state);
            _connection.Token = response.AgentToken;
            _poll.Token = response.AgentToken;
            _logger.LogInformation("Enrolled with the manager at {Url} as agent {AgentId}", _options.ManagerUrl, _options.AgentId);
        }
        else
        {
            _logger.LogInformation("Registered with the manager at {Url} as agent {AgentId}", _options.ManagerUrl, _options.AgentId);
        }

        _nextSeq = Math.Max(_nextSeq, checked(response.LastSeq + 1));
        _everRegistered = true;
        if (response.Enrollment == AgentEnrollment.Pending)
        {
            if (!_pendingLogged)
            {
                _logger.LogWarning(
                    "Agent {AgentId} waits for an admin's approval ('Approve-MonAgent -Agent {AgentId}'); snapshots spool until then",
                    _options.AgentId, _options.AgentId);
                _pendingLogged = true;
            }

            IsConnected = true;
            return;
        }

        if (_pendingLogged)
        {
            _logger.LogInformation("Agent {AgentId} was approved; reporting", _options.AgentId);
            _pendingLogged = false;
        }

        _registered = true;
        _registeredSignal.TrySetResult(true);
        Succeeded();
    }
}
