namespace Monitoring.Manager.Storage.History;

/// <summary>One rollup bucket: its start, how many snapshots it holds, and per metric [min, sum, max] (sums merge exactly).</summary>
internal sealed class RollupBucket
{
    public long T { get; set; }

    public int N { get; set; }

    public Dictionary<string, double[]> M { get; set; } = new(StringComparer.Ordinal);

    public void Add(string metric, double value) => Add(metric, value, value, value);

    public void Add(string metric, double min, double sum, double max)
    {
        if (M.TryGetValue(metric, out var v))
        {
            v[0] = Math.Min(v[0], min);
            v[1] += sum;
            v[2] = Math.Max(v[2], max);
        }
        else
        {
            M[metric] = [min, sum, max];
        }
    }

    /// <summary>Folds another bucket of the same start into this one.</summary>
    public void Merge(RollupBucket other)
    {
        N += other.N;
        foreach (var (metric, v) in other.M)
        {
            Add(metric, v[0], v[1], v[2]);
        }
    }
}
