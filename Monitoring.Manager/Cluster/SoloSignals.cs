namespace Monitoring.Manager.Cluster;

/// <summary>A manager on its own (SQLite): nobody to tell.</summary>
internal sealed class SoloSignals : IClusterSignals
{
    public bool Shared => false;

    public void Publish(ClusterSignal signal)
    {
    }
}
