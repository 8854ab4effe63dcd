namespace Monitoring.Manager.Storage;

/// <summary>What the store's writer tells the manager's own metrics: writes waiting, and commits and writes so far.</summary>
internal interface IStoreStats
{
    /// <summary>Writes waiting for (SQLite) or in (PostgreSQL) a transaction now.</summary>
    int QueueDepth { get; }

    /// <summary>Commits and the writes they carried, since the start.</summary>
    (long Commits, long Writes) CommitStats { get; }
}
