namespace Monitoring.Manager.Cluster;

/// <summary>
/// Whether this manager runs the fleet-wide jobs now (offline detection, notifications, sealing, retention, command
/// expiry): exactly one of the managers sharing a database does, so each runs once, not once per manager.
/// </summary>
internal interface ILeadership
{
    bool IsLeader { get; }
}
