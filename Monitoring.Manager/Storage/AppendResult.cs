namespace Monitoring.Manager.Storage;

/// <summary>The result of appending a batch: what was new, what was a replay, and the agent's highest stored seq.</summary>
internal readonly record struct AppendResult(int Accepted, int Duplicates, long LastSeq);
