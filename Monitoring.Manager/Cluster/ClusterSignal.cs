namespace Monitoring.Manager.Cluster;

/// <summary>
/// One message between managers: a kind, its subject (an agent or command id) and detail, and the manager that sent
/// it. On the wire it is one line of tab-separated fields (ids carry no tabs: agent ids and command ids are checked).
/// </summary>
internal sealed record ClusterSignal(ClusterSignalKind Kind, string Subject = "", string Detail = "")
{
    private static readonly Dictionary<ClusterSignalKind, string> Words = new()
    {
        [ClusterSignalKind.CommandQueued] = "cq",
        [ClusterSignalKind.CommandDone] = "cd",
        [ClusterSignalKind.Reported] = "rp",
        [ClusterSignalKind.AgentChanged] = "ag",
        [ClusterSignalKind.AgentRemoved] = "ar",
        [ClusterSignalKind.Alert] = "al",
        [ClusterSignalKind.Credentials] = "cr",
        [ClusterSignalKind.Silences] = "si",
        [ClusterSignalKind.Receivers] = "rc",
    };

    /// <summary>The payload of a NOTIFY from <paramref name="sender"/>.</summary>
    public string ToWire(string sender) => string.Join('\t', sender, Words[Kind], Subject, Detail);

    /// <summary>Reads a payload; null when it is not one (another program on the channel) or comes from <paramref name="self"/>.</summary>
    public static ClusterSignal? Parse(string payload, string self)
    {
        var parts = payload.Split('\t', 4);
        if (parts.Length != 4 || parts[0] == self)
        {
            return null;
        }

        foreach (var (kind, word) in Words)
        {
            if (word == parts[1])
            {
                return new ClusterSignal(kind, parts[2], parts[3]);
            }
        }

        return null;
    }
}
