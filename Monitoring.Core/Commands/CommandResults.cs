namespace Monitoring.Commands;

/// <summary>The result of <c>get_process_count</c>.</summary>
public sealed record ProcessCountResult
{
    /// <summary>The number of processes.</summary>
    public int Count { get; init; }
}

/// <summary>One process in the result of <c>list_processes</c>.</summary>
public sealed record ProcessInfo
{
    /// <summary>Its process id.</summary>
    public int Pid { get; init; }

    /// <summary>Its name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The user it runs as, where known.</summary>
    public string? User { get; init; }

    /// <summary>Its CPU use over the sampling window, as a percentage of one core (may exceed 100 on several).</summary>
    public double CpuPercent { get; init; }

    /// <summary>Its resident memory in bytes.</summary>
    public long RssBytes { get; init; }
}

/// <summary>The result of <c>list_processes</c>.</summary>
public sealed record ProcessListResult
{
    /// <summary>What the list is sorted by: cpu or memory.</summary>
    public string SortBy { get; init; } = "cpu";

    /// <summary>How many processes there were in all.</summary>
    public int Total { get; init; }

    /// <summary>The top processes, highest first.</summary>
    public IReadOnlyList<ProcessInfo> Processes { get; init; } = [];
}

/// <summary>The result of <c>get_logs</c>.</summary>
public sealed record LogsResult
{
    /// <summary>Where the lines came from: <c>journald</c> or a file path.</summary>
    public string Source { get; init; } = "";

    /// <summary>The lines, oldest first.</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <summary>True when older lines were left out to stay within the size cap.</summary>
    public bool Truncated { get; init; }
}

/// <summary>The result of <c>restart</c>.</summary>
public sealed record RestartResult
{
    /// <summary>The command line the agent runs once the manager has this answer.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
}
