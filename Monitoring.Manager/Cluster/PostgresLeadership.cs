using Monitoring.Manager.Storage.Postgres;
using Npgsql;

namespace Monitoring.Manager.Cluster;

/// <summary>
/// Leadership among managers sharing one PostgreSQL: a session advisory lock held on a connection of its own. The
/// manager holding it runs the fleet-wide jobs; when it stops or dies, PostgreSQL releases the lock with its
/// connection and another manager takes it within <see cref="Interval"/>.
/// </summary>
internal sealed partial class PostgresLeadership(PostgresDatabase database, ILogger<PostgresLeadership> logger) : BackgroundService, ILeadership
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private const long LockKey = 0x4d6f6e4c656164; // "MonLead"
    private volatile bool _leader;

    public bool IsLeader => _leader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        NpgsqlConnection? conn = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    conn ??= await database.DataSource.OpenConnectionAsync(stoppingToken);
                    await using var cmd = new NpgsqlCommand(_leader ? "SELECT TRUE" : $"SELECT pg_try_advisory_lock({LockKey})", conn);
                    var holds = await cmd.ExecuteScalarAsync(stoppingToken) is true;
                    if (holds && !_leader)
                    {
                        LogLeading(logger);
                    }

                    _leader = holds;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    if (_leader)
                    {
                        LogLostLead(logger, ex.Message);
                    }

                    _leader = false;
                    if (conn is not null)
                    {
                        await conn.DisposeAsync();
                        conn = null;
                    }
                }

                await Task.Delay(Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _leader = false;
            if (conn is not null)
            {
                // Closing the connection releases the lock at once, so another manager leads without waiting.
                await conn.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This manager now runs the fleet-wide jobs (offline detection, notifications, sealing, retention, command expiry)")]
    private static partial void LogLeading(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This manager stopped running the fleet-wide jobs: its connection to PostgreSQL failed ({Reason}); another manager takes them over")]
    private static partial void LogLostLead(ILogger logger, string reason);
}
