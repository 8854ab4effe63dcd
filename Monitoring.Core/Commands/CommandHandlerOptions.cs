using System.Runtime.InteropServices;

namespace Monitoring.Commands;

/// <summary>Settings of the built-in command handlers; each comes from the agent's own configuration.</summary>
public sealed class CommandHandlerOptions
{
    /// <summary>Whether <c>restart</c> may run. Only the agent's configuration can turn it on.</summary>
    /// <value>Defaults to false.</value>
    public bool AllowRestart { get; set; }

    /// <summary>The program and arguments <c>restart</c> runs, without a shell.</summary>
    /// <value><c>systemctl reboot</c> on Linux, <c>shutdown /r /t 0</c> on Windows, <c>shutdown -r now</c> on macOS.</value>
    public IReadOnlyList<string> RestartCommand { get; set; } = DefaultRestartCommand();

    /// <summary>journalctl to ask first for <c>get_logs</c>; null or empty skips journald.</summary>
    /// <value>Defaults to <c>journalctl</c> on the PATH.</value>
    public string? JournalctlPath { get; set; } = "journalctl";

    /// <summary>wevtutil, which <c>get_logs</c> asks for the System event log on Windows; null or empty skips it.</summary>
    /// <value>Defaults to <c>wevtutil</c> on Windows, null elsewhere.</value>
    public string? WevtutilPath { get; set; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "wevtutil" : null;

    /// <summary>The system log files <c>get_logs</c> tries after journald, in order.</summary>
    /// <value>Defaults to /var/log/syslog and /var/log/messages.</value>
    public IReadOnlyList<string> SystemLogFiles { get; set; } = ["/var/log/syslog", "/var/log/messages"];

    /// <summary>Further log files <c>get_logs</c> tries last (agent.yaml <c>logSources</c>).</summary>
    public IReadOnlyList<string> LogSources { get; set; } = [];

    private static string[] DefaultRestartCommand() =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ["shutdown", "/r", "/t", "0"]
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ["shutdown", "-r", "now"]
        : ["systemctl", "reboot"];
}
