using System.Threading.Channels;
using Monitoring.Manager.Storage.Postgres;
using Npgsql;

namespace Monitoring.Manager.Cluster;

/// <summary>
/// Signals between managers sharing one PostgreSQL: <c>NOTIFY monitoring</c> to send, a connection of its own that
/// <c>LISTEN</c>s to receive (a command queued on one manager reaches the agent's stream on another at once, with no
/// polling). Sending never blocks a request: signals queue in memory and go out in batches. After the listening
/// connection is lost and made again, everything a missed signal could have changed is read again.
/// </summary>
internal sealed partial class PostgresSignals(PostgresDatabase database, ClusterSync sync, ILogger<PostgresSignals> logger) : BackgroundService, IClusterSignals
{
    public const string Channel = "monitoring";

    private readonly Channel<ClusterSignal> _outbox = System.Threading.Channels.Channel.CreateBounded<ClusterSignal>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>This manager's name on the channel, so it ignores its own signals.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];

    public bool Shared => true;

    public void Publish(ClusterSignal signal) => _outbox.Writer.TryWrite(signal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken ct)
    {
        var first = true;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await database.DataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, e) =>
                {
                    if (ClusterSignal.Parse(e.Payload, InstanceId) is { } signal)
                    {
                        sync.Apply(signal);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                if (!first)
                {
                    LogListeningAgain(logger);
                    await sync.ResyncAsync(ct);
                }

                first = false;
                while (!ct.IsCancellationRequested)
                {
                    await conn.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(logger, ex.Message);
                first = false;
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task SendAsync(CancellationToken ct)
    {
        var batch = new List<string>();
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(ct))
            {
                while (batch.Count < 500 && _outbox.Reader.TryRead(out var signal))
                {
                    batch.Add(signal.ToWire(InstanceId));
                }

                try
                {
                    await using var conn = await database.DataSource.OpenConnectionAsync(ct);
                    await using var notify = new NpgsqlCommand($"SELECT pg_notify('{Channel}', p) FROM unnest(@p) p", conn);
                    notify.Parameters.AddWithValue("p", batch.ToArray());
                    await notify.ExecuteNonQueryAsync(ct);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    // The others catch up from the store: reports and agents by their periodic sync, the rest after their own reconnect.
                    LogSendFailed(logger, batch.Count, ex.Message);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the PostgreSQL connection that hears the other managers ({Reason}); connecting again in 1 s")]
    private static partial void LogListenFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening to the other managers again; reading what may have changed meanwhile")]
    private static partial void LogListeningAgain(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the other managers of {Count} change(s): {Reason}")]
    private static partial void LogSendFailed(ILogger logger, int count, string reason);
}
