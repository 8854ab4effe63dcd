using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Monitoring.Metrics;

namespace Monitoring.Agent;

/// <summary>
/// Adds the embedding app's own process and values (<see cref="ApplicationMetrics"/>) to each snapshot of the machine
/// collector it wraps. Every reading is a counter the runtime keeps already: nothing here walks the process table.
/// </summary>
internal sealed partial class ApplicationCollector : IMetricCollector
{
    private readonly ApplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _processId;
    private readonly DateTimeOffset _startTime;
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);

    /// <summary>
    /// Linux: the resident set from <c>/proc/self/statm</c>, kept open (one read, nothing allocated). The profile of
    /// the first version showed <see cref="Environment.WorkingSet"/> at about 44 µs and 3 KB a call here (it builds a
    /// process object and parses two procfs files), three quarters of what the whole machine snapshot costs.
    /// </summary>
    private readonly ProcFile? _statm = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? new ProcFile("/proc/self/statm", 128) : null;
    private TimeSpan _lastCpu;
    private long _lastStamp;

    public ApplicationCollector(IMetricCollector machine, ApplicationOptions options, TimeProvider time, ILogger logger)
    {
        Machine = machine;
        _options = options;
        _time = time;
        _logger = logger;
        using var process = Process.GetCurrentProcess();
        _processId = process.Id;
        _startTime = StartTimeOf(process, time);
        _lastCpu = ProcessorTime();
        _lastStamp = time.GetTimestamp();
    }

    /// <summary>The machine collector this one adds to.</summary>
    public IMetricCollector Machine { get; }

    public MetricSnapshot Collect() => Machine.Collect() with { Application = Sample() };

    public void Dispose()
    {
        _statm?.Dispose();
        Machine.Dispose();
    }

    private ApplicationMetrics Sample()
    {
        var cpu = ProcessorTime();
        var stamp = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastStamp, stamp);
        var percent = elapsed > TimeSpan.Zero
            ? Math.Min(100, Math.Max(0, (cpu - _lastCpu).TotalSeconds / (elapsed.TotalSeconds * Environment.ProcessorCount) * 100))
            : 0;
        _lastCpu = cpu;
        _lastStamp = stamp;
        return new ApplicationMetrics
        {
            Name = _options.Name,
            Version = _options.Version,
            ProcessId = _processId,
            StartTime = _startTime,
            CpuPercent = Math.Round(percent, 2),
            WorkingSetBytes = WorkingSet(),
            GcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
#if NET
            ThreadPoolThreads = ThreadPool.ThreadCount,
#endif
            Values = _options.Values.Count == 0 ? null : ReadValues(),
        };
    }

    private Dictionary<string, double> ReadValues()
    {
        var values = new Dictionary<string, double>(_options.Values.Count, StringComparer.Ordinal);
        foreach (var reader in _options.Values)
        {
            var name = reader.Key;
            string problem;
            try
            {
                var value = reader.Value();
                if (!double.IsNaN(value) && !double.IsInfinity(value))
                {
                    values[name] = value;
                    _failing.Remove(name);
                    continue;
                }

                problem = $"it returned {value}, not a finite number";
            }
#pragma warning disable CA1031 // The app's reader may throw anything; one bad value must not stop the report.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                problem = $"it threw {ex.GetType().Name}: {ex.Message}";
            }

            if (_failing.Add(name))
            {
                LogValueFailed(_logger, name, problem);
            }
        }

        return values;
    }

    private long WorkingSet()
    {
        if (_statm is not null)
        {
            // "size resident shared text lib data dt", in pages.
            var line = _statm.Read();
            ProcText.NextULong(ref line);
            if (ProcText.NextULong(ref line) is var pages and > 0)
            {
                return (long)pages * Environment.SystemPageSize;
            }
        }

        return Environment.WorkingSet;
    }

    private static TimeSpan ProcessorTime()
    {
#if NET
        return Environment.CpuUsage.TotalTime;
#else
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
#endif
    }

    private static DateTimeOffset StartTimeOf(Process process, TimeProvider time)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return time.GetUtcNow(); // Where the system does not say, the agent's start is the nearest we know.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The application value {Name} is left out of the report: {Problem}. It is logged again only after it has worked once.")]
    private static partial void LogValueFailed(ILogger logger, string name, string problem);
}
