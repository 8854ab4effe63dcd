using System.Collections.Concurrent;

namespace Monitoring.Manager.Security;

/// <summary>
/// Counts requests with bad credentials per client address and logs one summary a minute, so a flood of bad tokens
/// cannot flood the log (one line per request would).
/// </summary>
internal sealed partial class AuthFailureLog(TimeProvider time, ILogger<AuthFailureLog> logger) : BackgroundService
{
    private const int MaxAddresses = 10_000;
    private ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Record(string? address)
    {
        var counts = _counts;
        if (counts.Count >= MaxAddresses && !counts.ContainsKey(address ?? "?"))
        {
            address = "other addresses";
        }

        counts.AddOrUpdate(address ?? "?", 1, (_, n) => n + 1);
    }

    /// <summary>Logs what was counted since the last call and starts counting again.</summary>
    public void Flush()
    {
        var counts = Interlocked.Exchange(ref _counts, new ConcurrentDictionary<string, int>(StringComparer.Ordinal));
        if (counts.IsEmpty)
        {
            return;
        }

        var top = string.Join(", ", counts.OrderByDescending(kv => kv.Value).Take(5).Select(kv => $"{kv.Key} ({kv.Value})"));
        LogSummary(logger, counts.Values.Sum(), counts.Count, top);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
        }

        Flush();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} request(s) with a wrong, expired or revoked token in the last minute from {Addresses} address(es); most from {Top}")]
    private static partial void LogSummary(ILogger logger, int count, int addresses, string top);
}
