namespace Monitoring.Manager.Cluster;

/// <summary>Tells the other managers sharing this manager's database what changed here (nothing to tell for a manager on its own).</summary>
internal interface IClusterSignals
{
    /// <summary>True when other managers may share the store (PostgreSQL).</summary>
    bool Shared { get; }

    /// <summary>Sends a signal; never blocks and never fails the caller (a lost signal is caught up by the periodic sync).</summary>
    void Publish(ClusterSignal signal);
}
