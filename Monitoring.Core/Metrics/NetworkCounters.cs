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
            result.Add(c.ToMetrics(p, hasPrevious, elapsedSeconds));
        }

        return result;
    }

    /// <summary>These counters as metrics, with per-second rates against <paramref name="previous"/> when <paramref name="hasPrevious"/>.</summary>
    public NetworkInterfaceMetrics ToMetrics(in NetworkCounters previous, bool hasPrevious, double elapsedSeconds) => new()
    {
        Name = Name,
        RxBytes = RxBytes,
        TxBytes = TxBytes,
        RxPackets = RxPackets,
        TxPackets = TxPackets,
        RxErrors = RxErrors,
        TxErrors = TxErrors,
        RxBytesPerSec = hasPrevious ? Rate(RxBytes, previous.RxBytes, elapsedSeconds) : 0,
        TxBytesPerSec = hasPrevious ? Rate(TxBytes, previous.TxBytes, elapsedSeconds) : 0,
        RxPacketsPerSec = hasPrevious ? Rate(RxPackets, previous.RxPackets, elapsedSeconds) : 0,
        TxPacketsPerSec = hasPrevious ? Rate(TxPackets, previous.TxPackets, elapsedSeconds) : 0,
    };

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
    private static double Rate(long now, long before, double seconds) =>
        now >= before ? Math.Round((now - before) / seconds, 2) : 0;
}
