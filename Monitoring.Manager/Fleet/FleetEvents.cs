using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Monitoring.Protocol;

namespace Monitoring.Manager.Fleet;

/// <summary>
/// Live fleet changes for the dashboard: a report or a change of state marks its agent for every listener, and each
/// listener's stream sends the summaries of what changed, at most every <see cref="Coalesce"/> (a fleet of ten
/// thousand agents reporting every 10 s makes one event of about 250 summaries, not a thousand events a second),
/// with an empty event every <see cref="Heartbeat"/> so proxies and the browser keep the stream open, for
/// <see cref="ManagerOptions.EventStreamLifetime"/>.
/// </summary>
internal sealed class FleetEvents(FleetRegistry fleet, ManagerOptions options, IHostApplicationLifetime lifetime)
{
    public const string AgentsEvent = "agents";
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<FleetSubscription, byte> _listeners = new();

    public int Listeners => _listeners.Count;

    public void Changed(string agentId)
    {
        foreach (var listener in _listeners.Keys)
        {
            listener.Mark(agentId);
        }
    }

    /// <summary>The events of one listener until the request ends or the manager stops.</summary>
    public async IAsyncEnumerable<SseItem<List<AgentSummary>>> StreamAsync([EnumeratorCancellation] CancellationToken aborted)
    {
        // The stream ends after its lifetime too: the browser reconnects (retry below) and authenticates again.
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
        ends.CancelAfter(options.EventStreamLifetime);
        using var listener = new FleetSubscription(s => _listeners.TryRemove(s, out _));
        _listeners[listener] = 0;
        yield return new SseItem<List<AgentSummary>>([], AgentsEvent) { ReconnectionInterval = TimeSpan.FromSeconds(2) };
        while (!ends.IsCancellationRequested)
        {
            IReadOnlyCollection<string> changed;
            try
            {
                changed = await listener.TakeAsync(Heartbeat, ends.Token);
                if (changed.Count > 0)
                {
                    // Whatever else changes in the next moment goes out in the same event.
                    await Task.Delay(Coalesce, ends.Token);
                    changed = [.. changed, .. await listener.TakeAsync(TimeSpan.Zero, ends.Token)];
                }
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            yield return new SseItem<List<AgentSummary>>([.. changed.Distinct(StringComparer.Ordinal).Select(fleet.Summary).OfType<AgentSummary>()], AgentsEvent);
        }
    }
}
