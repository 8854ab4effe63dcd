namespace Monitoring.Manager.Cluster;

/// <summary>A manager on its own always runs the fleet-wide jobs.</summary>
internal sealed class SoloLeadership : ILeadership
{
    public bool IsLeader => true;
}
