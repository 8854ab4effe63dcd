using System.Diagnostics;
using System.Text;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Commands.BuiltIn;

/// <summary>
/// <c>get_logs</c>: the last lines of the system log, from journald when it has entries, the System event log on
/// Windows, else /var/log/syslog or /var/log/messages, else the files the agent's configuration lists. Output is
/// capped in bytes.
/// </summary>
internal sealed class GetLogsHandler(CommandHandlerOptions options) : ICommandHandler
{
    public const int MaxLines = 10_000;
    public const int MaxBytes = 256 * 1024;

    public CommandDefinition Definition { get; } = new()
    {
        Name = CommandNames.GetLogs,
        ReadOnly = true,
        Description = "Returns the last lines of the system log (journald, the Windows System event log, /var/log/syslog or /var/log/messages, or the agent's logSources), at most 256 KiB.",
        Arguments =
        [
            new() { Name = "lines", Type = CommandArgumentType.Integer, Minimum = 1, Maximum = MaxLines, Description = "How many lines (default 100)." },
        ],
    };

    public async Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var lines = (int)context.GetInt64("lines", 100);
        if (options.JournalctlPath is { Length: > 0 } journalctl)
        {
            var info = ProcessArguments.Create(journalctl, ["-n", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-pager", "-q", "-o", "short-iso"]);
            if (await ReadProcessAsync(info, cancellationToken).ConfigureAwait(false) is { Lines.Count: > 0 } journal)
            {
                return CommandOutcome.Ok(new LogsResult { Source = "journald", Lines = journal.Lines, Truncated = journal.Truncated }, MonitoringJsonContext.Default.LogsResult);
            }
        }

        if (options.WevtutilPath is { Length: > 0 } wevtutil
            && await ReadProcessAsync(ProcessArguments.Create(wevtutil, WindowsEventLog.Arguments(lines)), cancellationToken).ConfigureAwait(false) is { } events)
        {
            var eventLines = WindowsEventLog.Lines(string.Join("\n", events.Lines));
            if (eventLines.Count > 0)
            {
                return CommandOutcome.Ok(
                    new LogsResult { Source = "eventlog:" + WindowsEventLog.Log, Lines = eventLines, Truncated = events.Truncated }, MonitoringJsonContext.Default.LogsResult);
            }
        }

        foreach (var file in options.SystemLogFiles.Concat(options.LogSources))
        {
            if (File.Exists(file))
            {
                try
                {
                    var (tail, truncated) = Tail(file, lines, MaxBytes);
                    return CommandOutcome.Ok(new LogsResult { Source = file, Lines = tail, Truncated = truncated }, MonitoringJsonContext.Default.LogsResult);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return CommandOutcome.Fail($"Cannot read the log file {file}: {ex.Message}. Give the agent's account read access to it.");
                }
            }
        }

        return CommandOutcome.Fail(
            $"No system log found on agent '{context.AgentId}': journald and the Windows event log have no entries here and none of " +
            $"{string.Join(", ", options.SystemLogFiles.Concat(options.LogSources))} exists. List log files under logSources in the agent's agent.yaml.");
    }

    /// <summary>The last <paramref name="count"/> lines of a file, read backwards from its end, within <paramref name="maxBytes"/>.</summary>
    internal static (List<string> Lines, bool Truncated) Tail(string path, int count, int maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var take = (int)Math.Min(stream.Length, maxBytes);
        var buffer = new byte[take];
        stream.Seek(-take, SeekOrigin.End);
        var read = 0;
        while (read < take)
        {
            var n = stream.Read(buffer, read, take - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, read);
        var all = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (all.Count > 0 && all[all.Count - 1].Length == 0)
        {
            all.RemoveAt(all.Count - 1);
        }

        // The first line of a window cut by the byte cap is partial.
        var cut = take < stream.Length;
        if (cut && all.Count > 0)
        {
            all.RemoveAt(0);
        }

        var truncated = cut && all.Count < count;
        return (all.Skip(Math.Max(0, all.Count - count)).ToList(), truncated);
    }

    /// <summary>A log program's output lines within <see cref="MaxBytes"/> (the oldest dropped first); null when it is not installed or fails.</summary>
    private static async Task<(List<string> Lines, bool Truncated)?> ReadProcessAsync(ProcessStartInfo info, CancellationToken ct)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // Not installed.
        }

        using (process)
        {
            var output = new List<string>();
            var bytes = 0;
            var truncated = false;
            _ = process.StandardError.ReadToEndAsync();
            using var registration = ct.Register(() =>
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                }
            });
            while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                output.Add(line);
                bytes += Encoding.UTF8.GetByteCount(line) + 1;
                while (bytes > MaxBytes && output.Count > 0)
                {
                    bytes -= Encoding.UTF8.GetByteCount(output[0]) + 1;
                    output.RemoveAt(0);
                    truncated = true;
                }
            }

            process.WaitForExit();
            ct.ThrowIfCancellationRequested();
            return process.ExitCode == 0 ? (output, truncated) : null;
        }
    }
}
