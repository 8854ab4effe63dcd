using System.Collections.Concurrent;

namespace Monitoring.Manager.Storage.History;

/// <summary>
/// The manager's index of unsealed snapshot rows: for each agent, where its rows are, in sequence order. The
/// <c>snapshots</c> table has no index of its own, so a report appends its row and nothing else (an index by agent
/// dirtied a page of its own for every agent in a commit group: three quarters of what the WAL wrote per report);
/// reads, sealing and retention find rows here and fetch them by rowid. It holds a few dozen bytes per row, and rows
/// stay only until they are sealed (ten minutes by default). Filled from the table when the store is first used, and
/// changed only on the writer right after a commit, so it never lists a row a rollback took back.
/// </summary>
internal sealed class UnsealedRows
{
    private readonly ConcurrentDictionary<string, List<UnsealedRow>> _agents = new(StringComparer.Ordinal);

    /// <summary>How many rows are listed, over every agent.</summary>
    public int Count => _agents.Values.Sum(rows =>
    {
        lock (rows)
        {
            return rows.Count;
        }
    });

    /// <summary>Replaces everything with rows read from the table (any order).</summary>
    public void Load(IEnumerable<(string AgentId, UnsealedRow Row)> rows)
    {
        _agents.Clear();
        foreach (var (agentId, row) in rows)
        {
            _agents.GetOrAdd(agentId, _ => []).Add(row);
        }

        foreach (var list in _agents.Values)
        {
            list.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        }
    }

    /// <summary>Lists rows just committed for an agent; their sequence numbers are above any it has listed.</summary>
    public void Add(string agentId, IReadOnlyList<UnsealedRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var list = _agents.GetOrAdd(agentId, _ => []);
        lock (list)
        {
            foreach (var row in rows)
            {
                list.Add(row);
            }
        }
    }

    /// <summary>The highest sequence number listed for an agent, or 0.</summary>
    public long MaxSeq(string agentId)
    {
        if (!_agents.TryGetValue(agentId, out var list))
        {
            return 0;
        }

        lock (list)
        {
            return list.Count == 0 ? 0 : list[^1].Seq;
        }
    }

    /// <summary>An agent's rows whose time is in [<paramref name="lo"/>, <paramref name="hi"/>] (ms), in sequence order.</summary>
    public List<UnsealedRow> Of(string agentId, long lo = long.MinValue, long hi = long.MaxValue)
    {
        var result = new List<UnsealedRow>();
        if (_agents.TryGetValue(agentId, out var list))
        {
            lock (list)
            {
                foreach (var row in list)
                {
                    if (row.Ts >= lo && row.Ts <= hi)
                    {
                        result.Add(row);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The agents with a row received before <paramref name="cutoff"/> (ms).</summary>
    public List<string> AgentsWithRowsBefore(long cutoff)
    {
        var result = new List<string>();
        foreach (var (agentId, list) in _agents)
        {
            lock (list)
            {
                if (list.Exists(r => r.Received < cutoff))
                {
                    result.Add(agentId);
                }
            }
        }

        return result;
    }

    /// <summary>An agent's first <paramref name="max"/> rows (by sequence number) received before <paramref name="cutoff"/> (ms).</summary>
    public List<UnsealedRow> ReceivedBefore(string agentId, long cutoff, int max)
    {
        var result = new List<UnsealedRow>();
        if (_agents.TryGetValue(agentId, out var list))
        {
            lock (list)
            {
                foreach (var row in list)
                {
                    if (row.Received < cutoff)
                    {
                        result.Add(row);
                        if (result.Count == max)
                        {
                            break;
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Up to <paramref name="max"/> rows of any agents received before <paramref name="cutoff"/> (ms).</summary>
    public List<(string AgentId, UnsealedRow Row)> AllReceivedBefore(long cutoff, int max)
    {
        var result = new List<(string, UnsealedRow)>();
        foreach (var agentId in AgentsWithRowsBefore(cutoff))
        {
            foreach (var row in ReceivedBefore(agentId, cutoff, max - result.Count))
            {
                result.Add((agentId, row));
            }

            if (result.Count >= max)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>Forgets rows that were deleted (sealed into a chunk, or past retention); an agent left with none is dropped.</summary>
    public void Remove(string agentId, IReadOnlyCollection<long> rowIds)
    {
        if (rowIds.Count == 0 || !_agents.TryGetValue(agentId, out var list))
        {
            return;
        }

        var removed = rowIds as ISet<long> ?? new HashSet<long>(rowIds);
        lock (list)
        {
            list.RemoveAll(r => removed.Contains(r.RowId));
            if (list.Count == 0)
            {
                // Only the writer adds, and it is the caller: nothing is added to this list after it is dropped.
                _agents.TryRemove(new KeyValuePair<string, List<UnsealedRow>>(agentId, list));
            }
        }
    }
}
