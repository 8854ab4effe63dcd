using Monitoring.Client;

/// <summary>One simulated agent: its id, its connection, and the last sequence number the manager acknowledged.</summary>
internal sealed class SimulatedAgent(string id, AgentConnection connection)
{
    public string Id { get; } = id;

    public AgentConnection Connection { get; } = connection;

    public long Sent { get; set; }
}
