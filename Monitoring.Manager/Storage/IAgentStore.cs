using Monitoring.Metrics;

namespace Monitoring.Manager.Storage;

/// <summary>Enrolled agents: identity, token hash and what each said about itself. Every write returns only once it is committed.</summary>
internal interface IAgentStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Every agent with its latest snapshot, for the in-memory fleet at start-up.</summary>
    Task<IReadOnlyList<(StoredAgent Agent, MetricSnapshot? Latest)>> LoadAgentsAsync(CancellationToken ct);

    Task SaveAgentAsync(StoredAgent agent, CancellationToken ct);

    Task<bool> DeleteAgentAsync(string id, CancellationToken ct);
}
