namespace Monitoring.Manager.Cluster;

/// <summary>What one manager tells the others sharing its database; each kind's wire word is spelled once, in <see cref="ClusterSignal"/>.</summary>
internal enum ClusterSignalKind
{
    /// <summary>A command was queued for the agent (subject); whoever holds its stream delivers it.</summary>
    CommandQueued,

    /// <summary>A command (subject) reached its final state; whoever waits for it reads it.</summary>
    CommandDone,

    /// <summary>The agent (subject) reported; the fleet view reads its newest snapshot.</summary>
    Reported,

    /// <summary>The agent's (subject) record changed: enrolled, approved, reset.</summary>
    AgentChanged,

    /// <summary>The agent (subject) was removed.</summary>
    AgentRemoved,

    /// <summary>An alert transition of the agent (subject) was stored; detail: state, severity and fingerprint.</summary>
    Alert,

    /// <summary>Admin keys or enrollment tokens changed.</summary>
    Credentials,

    /// <summary>Silences changed.</summary>
    Silences,

    /// <summary>Notification receivers changed.</summary>
    Receivers,
}
