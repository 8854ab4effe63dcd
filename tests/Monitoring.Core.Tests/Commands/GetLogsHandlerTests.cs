using System.Text.Json;
using Monitoring.Commands;
using Monitoring.Commands.BuiltIn;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Commands;

public sealed class GetLogsHandlerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CommandContext Context(int? lines = null) => new(
        "0123456789abcdef0123456789abcdef",
        "web1",
        lines is null ? null : new Dictionary<string, JsonElement> { ["lines"] = JsonSerializer.SerializeToElement(lines.Value) },
        () => new MetricSnapshot());

    private string Log(string name, int lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, Enumerable.Range(1, lines).Select(i => $"{name} {i}"));
        return path;
    }

    [Fact]
    public async Task WithoutJournald_ReadsTheFirstSystemLogThatExists()
    {
        var syslog = Log("syslog", 300);
        var handler = new GetLogsHandler(new CommandHandlerOptions
        {
            JournalctlPath = Path.Combine(_dir, "no-journalctl"),
            SystemLogFiles = [Path.Combine(_dir, "missing"), syslog],
            LogSources = [Log("app.log", 3)],
        });

        var outcome = await handler.ExecuteAsync(Context(3), CancellationToken.None);

        var result = outcome.Result!.Value.Deserialize(MonitoringJsonContext.Default.LogsResult)!;
        Assert.Equal(syslog, result.Source);
        Assert.Equal(["syslog 298", "syslog 299", "syslog 300"], result.Lines);
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task WithoutSystemLogs_FallsBackToConfiguredSources_With100LinesByDefault()
    {
        var app = Log("app.log", 150);
        var handler = new GetLogsHandler(new CommandHandlerOptions { JournalctlPath = null, SystemLogFiles = [], LogSources = [app] });

        var result = (await handler.ExecuteAsync(Context(), CancellationToken.None)).Result!.Value.Deserialize(MonitoringJsonContext.Default.LogsResult)!;

        Assert.Equal(app, result.Source);
        Assert.Equal(100, result.Lines.Count);
        Assert.Equal("app.log 150", result.Lines[^1]);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the stand-in for wevtutil is a shell script
    public async Task OnWindows_ReadsTheSystemEventLogThroughWevtutil_OneLinePerEventOldestFirst()
    {
        // A stand-in for wevtutil that records its arguments and prints events as `wevtutil qe System /f:RenderedXml`
        // does, newest first (the documented event schema; one event is cut short and must be skipped).
        var events = Path.Combine(AppContext.BaseDirectory, "Commands", "Fixtures", "wevtutil-system.xml");
        var arguments = Path.Combine(_dir, "arguments");
        var wevtutil = Path.Combine(_dir, "wevtutil");
        File.WriteAllText(wevtutil, $"#!/bin/sh\necho \"$@\" > '{arguments}'\ncat '{events}'\n");
        File.SetUnixFileMode(wevtutil, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var handler = new GetLogsHandler(new CommandHandlerOptions { JournalctlPath = null, WevtutilPath = wevtutil, SystemLogFiles = [Log("syslog", 3)] });

        var outcome = await handler.ExecuteAsync(Context(4), CancellationToken.None);

        var result = outcome.Result!.Value.Deserialize(MonitoringJsonContext.Default.LogsResult)!;
        Assert.Equal("qe System /c:4 /rd:true /f:RenderedXml", File.ReadAllText(arguments).Trim());
        Assert.Equal("eventlog:System", result.Source);
        Assert.Equal(
            [
                "2026-11-29T09:40:02.0000000Z Information EventLog[6005]: The Event log service was started.",
                "2026-11-29T09:41:17.0000000Z Warning Microsoft-Windows-Time-Service[134]: NtpClient was unable to set a manual peer to use as a time source.",
                "2026-11-29T09:58:03.5551234Z Error Service Control Manager[7000]: The Monitoring agent service failed to start due to the following error: The system cannot find the file specified.",
            ],
            result.Lines);
    }

    [Fact]
    public async Task WithNoLogAnywhere_FailsSayingWhatToConfigure()
    {
        var handler = new GetLogsHandler(new CommandHandlerOptions { JournalctlPath = null, SystemLogFiles = [Path.Combine(_dir, "none")] });

        var outcome = await handler.ExecuteAsync(Context(), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.Contains("logSources", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("web1", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tail_StaysWithinTheByteCapAndDropsThePartialFirstLine()
    {
        var path = Path.Combine(_dir, "big.log");
        File.WriteAllLines(path, Enumerable.Range(1, 1000).Select(i => $"{i:D4} {new string('x', 95)}"));

        var (lines, truncated) = GetLogsHandler.Tail(path, 10_000, 1000);

        Assert.True(truncated);
        Assert.Equal(9, lines.Count);
        Assert.StartsWith("0992 ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("1000 ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Tail_OfASmallFile_IsTheWholeFile()
    {
        var path = Log("small.log", 3);

        var (lines, truncated) = GetLogsHandler.Tail(path, 100, GetLogsHandler.MaxBytes);

        Assert.Equal(["small.log 1", "small.log 2", "small.log 3"], lines);
        Assert.False(truncated);
    }
}
