using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Filters for listing alerts.</summary>
internal sealed record AlertQuery(string? AgentId, AlertState? State, AlertSeverity? Severity, DateTimeOffset? Since, int Limit);
