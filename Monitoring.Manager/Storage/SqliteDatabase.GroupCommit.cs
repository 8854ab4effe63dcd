using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage;

/// <summary>
/// The writer's loop: takes whatever is queued, runs each piece in the group's one transaction (in a savepoint of its
/// own unless it is repeatable), commits once, tells each piece of the commit or the rollback, and hands the durable
/// ones to the WAL syncer.
/// </summary>
internal sealed partial class SqliteDatabase
{
    private void WriteLoop()
    {
        var group = new List<IWrite>(MaxGroup);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var next))
            {
                Interlocked.Decrement(ref _queued);
                if (!next.IsCancelled)
                {
                    group.Add(next);
                }
            }

            if (group.Count > 0)
            {
                CommitGroup(group);
            }

            if (_checkpointer!.TakeCatchUp())
            {
                CatchUpCheckpoint();
            }
        }
    }

    private void CommitGroup(List<IWrite> group)
    {
        var done = new List<IWrite>(group.Count);
        // Repeatable pieces that failed part way: what their statements wrote is in the group, committed or not with it.
        var partial = new List<IWrite>();
        try
        {
            using var tx = _writer!.BeginTransaction();
            // One savepoint name reused piece after piece, its three statements prepared once (SqliteTransaction.Save
            // would prepare a new statement each time).
            var save = Prepared(_writer, tx, "SAVEPOINT piece", out _);
            var release = Prepared(_writer, tx, "RELEASE piece", out _);
            for (var i = 0; i < group.Count; i++)
            {
                var savepoint = group[i].Savepoint;
                if (savepoint)
                {
                    save.ExecuteNonQuery();
                }

                try
                {
                    // The work is SQLite calls, which complete synchronously.
                    group[i].RunAsync(_writer, tx).GetAwaiter().GetResult();
                    if (savepoint)
                    {
                        release.ExecuteNonQuery();
                    }

                    done.Add(group[i]);
                }
                catch (Exception ex)
                {
                    if (savepoint)
                    {
                        Prepared(_writer, tx, "ROLLBACK TO piece", out _).ExecuteNonQuery();
                        release.ExecuteNonQuery();
                    }
                    else
                    {
                        partial.Add(group[i]);
                    }

                    group[i].Fail(Unavailable(ex));
                }
            }

            tx.Commit();
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _writes, done.Count);
        }
        catch (Exception ex)
        {
            // The commit itself failed (disk full, I/O error): nothing of the group is durable.
            var failure = Unavailable(ex);
            foreach (var write in partial)
            {
                write.RolledBack();
            }

            foreach (var write in done)
            {
                write.RolledBack();
                write.Fail(failure);
            }

            return;
        }

        foreach (var write in partial)
        {
            write.Committed();
        }

        var durable = new List<WalSyncer.ICommitted>(done.Count);
        foreach (var write in done)
        {
            write.Committed();
            if (write.Durable)
            {
                durable.Add(write);
            }
            else
            {
                write.Complete();
            }
        }

        _syncer.Enqueue(durable);
    }

    private interface IWrite : WalSyncer.ICommitted
    {
        bool IsCancelled { get; }

        bool Durable { get; }

        bool Savepoint { get; }

        void Committed();

        void RolledBack();

        Task RunAsync(SqliteConnection conn, SqliteTransaction tx);
    }

    private sealed class Write<T>(
        Func<SqliteConnection, SqliteTransaction, Task<T>> work, bool durable, bool savepoint, Action? committed, Action? rolledBack, CancellationToken ct) : IWrite
    {
        private T _result = default!;

        public bool Durable => durable;

        public bool Savepoint => savepoint;

        public void Committed()
        {
            try
            {
                committed?.Invoke();
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // A wake-up that could not be delivered; whoever waits looks again on its own.
            }
        }

        public void RolledBack() => rolledBack?.Invoke();

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsCancelled
        {
            get
            {
                if (!ct.IsCancellationRequested)
                {
                    return false;
                }

                Completion.TrySetCanceled(ct);
                return true;
            }
        }

        public async Task RunAsync(SqliteConnection conn, SqliteTransaction tx) => _result = await work(conn, tx).ConfigureAwait(false);

        public void Complete() => Completion.TrySetResult(_result);

        public void Fail(Exception ex) => Completion.TrySetException(ex);
    }
}
