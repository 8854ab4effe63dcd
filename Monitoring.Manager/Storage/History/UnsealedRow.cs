namespace Monitoring.Manager.Storage.History;

/// <summary>Where one unsealed snapshot row is: its sequence number, the agent's time, the manager's receive time (ms) and its rowid.</summary>
internal readonly record struct UnsealedRow(long Seq, long Ts, long Received, long RowId);
