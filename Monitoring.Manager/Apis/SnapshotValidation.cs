using Monitoring.Metrics;

namespace Monitoring.Manager.Apis;

/// <summary>What a reported snapshot must satisfy before it is stored: bounded numbers, sizes and strings, no nulls.</summary>
internal static class SnapshotValidation
{
    public const int MaxDisks = 1024;
    public const int MaxInterfaces = 4096;
    public const int MaxCores = 4096;
    public const int MaxGpus = 256;
    public const int MaxSensors = 1024;

    /// <summary>Null when the snapshot may be stored, else what is wrong with it.</summary>
    public static string? Check(MetricSnapshot? s, DateTimeOffset now, TimeSpan maxSkew)
    {
        if (s is null)
        {
            return "A batch holds a null entry; send snapshot objects only.";
        }

        if (s.Seq is < 1 or > MetricSnapshot.MaxSeq)
        {
            return $"Every snapshot needs a sequence number from 1 to {MetricSnapshot.MaxSeq} (2^53); got {s.Seq}.";
        }

        if (s.DroppedSnapshots is < 0)
        {
            return $"Snapshot {s.Seq} says its agent dropped {s.DroppedSnapshots} snapshots; the count cannot be negative.";
        }

        if (s.Timestamp == default)
        {
            return $"Snapshot {s.Seq} has no timestamp.";
        }

        if (s.Timestamp > now + maxSkew)
        {
            return $"Snapshot {s.Seq} is stamped {s.Timestamp:O}, more than {Configuration.Duration.Format(maxSkew)} ahead of the manager's clock ({now:O}). " +
                "Fix the agent machine's clock (NTP); the manager refuses snapshots from the future (maxClockSkew).";
        }

        if (s.Cpu is null || s.Memory is null || s.Swap is null || s.Processes is null || s.Disks is null || s.Network is null || s.Cpu.PerCore is null)
        {
            return $"Snapshot {s.Seq} is malformed: cpu (with perCore), memory, swap, processes, disks and network are required.";
        }

        if (s.Disks.Count > MaxDisks || s.Network.Count > MaxInterfaces || s.Cpu.PerCore.Count > MaxCores)
        {
            return $"Snapshot {s.Seq} is too large: at most {MaxDisks} disks, {MaxInterfaces} interfaces and {MaxCores} cores.";
        }

        foreach (var d in s.Disks)
        {
            if (d is null || d.Mount is not { Length: > 0 and <= RequestLimits.MaxName } || d.Device?.Length > RequestLimits.MaxName || d.FileSystem?.Length > RequestLimits.MaxName)
            {
                return $"Snapshot {s.Seq} has a disk without a mount, or with a mount, device or file system name over {RequestLimits.MaxName} characters.";
            }
        }

        foreach (var n in s.Network)
        {
            if (n is null || n.Name is not { Length: > 0 and <= RequestLimits.MaxName })
            {
                return $"Snapshot {s.Seq} has a network interface without a name or with one over {RequestLimits.MaxName} characters.";
            }
        }

        if (s.Gpus?.Count > MaxGpus || s.Temperatures?.Count > MaxSensors)
        {
            return $"Snapshot {s.Seq} is too large: at most {MaxGpus} GPUs and {MaxSensors} temperature sensors.";
        }

        foreach (var g in s.Gpus ?? [])
        {
            if (g is null || g.Index < 0 || g.Name is not { Length: <= RequestLimits.MaxName } || g.Uuid?.Length > RequestLimits.MaxName)
            {
                return $"Snapshot {s.Seq} has a GPU without a name, with a negative index, or with a name or UUID over {RequestLimits.MaxName} characters.";
            }
        }

        foreach (var t in s.Temperatures ?? [])
        {
            if (t is null || t.Name is not { Length: > 0 and <= RequestLimits.MaxName })
            {
                return $"Snapshot {s.Seq} has a temperature sensor without a name or with one over {RequestLimits.MaxName} characters.";
            }
        }

        return s.Application is { } app ? CheckApplication(s.Seq, app) : null;
    }

    private static string? CheckApplication(long seq, ApplicationMetrics app)
    {
        if (!Agent.AgentIds.IsValid(app.Name) || app.Version?.Length > RequestLimits.MaxName)
        {
            return $"Snapshot {seq} names its application '{app.Name}': use 1 to {Agent.AgentIds.MaxLength} letters, digits, '.', '_' or '-' (and a version of at most {RequestLimits.MaxName} characters).";
        }

        if (app.ProcessId < 0 || app.CpuPercent is < 0 or > 100 || app.WorkingSetBytes < 0 || app.GcHeapBytes < 0 || app.ThreadPoolThreads < 0)
        {
            return $"Snapshot {seq} has application figures out of range: a negative process id, byte count or thread count, or a processor percentage outside 0–100.";
        }

        if (app.Values?.Count > ApplicationMetrics.MaxValues)
        {
            return $"Snapshot {seq} carries {app.Values.Count} application values; at most {ApplicationMetrics.MaxValues} are allowed.";
        }

        foreach (var value in app.Values ?? Enumerable.Empty<KeyValuePair<string, double>>())
        {
            if (!Agent.AgentIds.IsValid(value.Key))
            {
                return $"Snapshot {seq} has an application value named '{value.Key}': use 1 to {Agent.AgentIds.MaxLength} letters, digits, '.', '_' or '-'.";
            }
        }

        return null;
    }
}
