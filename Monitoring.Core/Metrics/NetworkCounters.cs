namespace Monitoring.Metrics;

/// <summary>Cumulative counters of one network interface.</summary>
internal readonly record struct NetworkCounters(
    string Name, long RxBytes, long RxPackets, long RxErrors, long TxBytes, long TxPackets, long TxErrors)
{
    /// <summary>Turns counters into metrics with per-second rates against an earlier sample.</summary>
    public static List<NetworkInterfaceMetrics> WithRates(
        IReadOnlyList<NetworkCounters> current,
        IReadOnlyDictionary<string, NetworkCounters>? previous,
        double elapsedSeconds)
    {
        var result = new List<NetworkInterfaceMetrics>(current.Count);
        foreach (var c in current)
        {
            NetworkCounters p = default;
            var hasPrevious = previous is not null && elapsedSeconds > 0 && previous.TryGetValue(c.Name, out p);
            result.Add(new NetworkInterfaceMetrics
            {
                Name = c.Name,
                RxBytes = c.RxBytes,
                TxBytes = c.TxBytes,
                RxPackets = c.RxPackets,
                TxPackets = c.TxPackets,
                RxErrors = c.RxErrors,
                TxErrors = c.TxErrors,
                RxBytesPerSec = hasPrevious ? Rate(c.RxBytes, p.RxBytes, elapsedSeconds) : 0,
                TxBytesPerSec = hasPrevious ? Rate(c.TxBytes, p.TxBytes, elapsedSeconds) : 0,
                RxPacketsPerSec = hasPrevious ? Rate(c.RxPackets, p.RxPackets, elapsedSeconds) : 0,
                TxPacketsPerSec = hasPrevious ? Rate(c.TxPackets, p.TxPackets, elapsedSeconds) : 0,
            });
        }

        return result;
    }

    public static Dictionary<string, NetworkCounters> ByName(IEnumerable<NetworkCounters> counters)
    {
        var map = new Dictionary<string, NetworkCounters>(StringComparer.Ordinal);
        foreach (var c in counters)
        {
            map[c.Name] = c;
        }

        return map;
    }

    // A counter reset (driver reload, 32-bit wrap) gives no rate rather than a negative one.
    public static double Rate(long now, long before, double seconds) =>
        now >= before ? Math.Round((now - before) / seconds, 2) : 0;
}
