using Monitoring.AgentHost;
using Monitoring.Configuration;
using Monitoring.Internal;

var commandLine = HostCommandLine.Parse(
    args,
    "Monitoring agent: collects this machine's metrics, reports them to the manager, raises alerts and runs the manager's commands. Settings come from agent.yaml (--config), then MONITORING_AGENT_* environment variables, then these options.",
    AgentSettings.EnvironmentPrefix,
    AgentSettings.Schema,
    new Dictionary<string, string>
    {
        ["--once"] = "Collect one snapshot (rates over a short first interval), print it as JSON and exit; nothing is sent or written.",
        ["--table"] = "With --once: print the snapshot as a readable table instead of JSON.",
        ["--windows-service"] = "Run under the Windows Service Control Manager (the install command of docs/windows.md passes it); the log goes to logFile, by default agent.log in stateDir.",
    });
if (commandLine.Error is { } usage)
{
    Console.Error.WriteLine($"Monitoring.Agent: {usage}");
    return HostCommandLine.UsageError;
}

if (commandLine.IsInformational)
{
    return commandLine.PrintAndExit(Console.Out);
}

if (commandLine.Flag("--once"))
{
    try
    {
        return await OnceCommand.RunAsync(AgentSettings.LoadMetrics(commandLine.Values), commandLine.Flag("--table"), Console.Out);
    }
    catch (ConfigurationException ex)
    {
        Console.Error.WriteLine($"Monitoring.Agent: {ex.Message}");
        return HostCommandLine.UsageError;
    }
}

AgentSettings settings;
try
{
    settings = AgentSettings.Load(commandLine.Values);
}
catch (ConfigurationException ex)
{
    Console.Error.WriteLine($"Monitoring.Agent: {ex.Message}");
    return HostCommandLine.UsageError;
}

var asService = commandLine.Flag("--windows-service");
if (asService && !OperatingSystem.IsWindows())
{
    Console.Error.WriteLine("Monitoring.Agent: --windows-service runs the agent under the Windows Service Control Manager and works only on Windows. On Linux, run it under systemd (docs/systemd/monitoring-agent.service) or in the foreground without it.");
    return HostCommandLine.UsageError;
}

// A Windows service has no console: its log goes to a file, agent.log in the state directory unless logFile says.
var logPath = settings.LogFile ?? (asService ? Path.Combine(Path.GetFullPath(settings.Options.StateDirectory), "agent.log") : null);
RotatingLogFile? logFile;
try
{
    logFile = logPath is null ? null : new RotatingLogFile(logPath);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Monitoring.Agent: cannot write the log file {logPath}: {ex.Message} Choose a folder this user can write with --log-file, or fix its permissions.");
    return HostCommandLine.UsageError;
}

using (logFile)
{
    // No generic host: the agent runs on every machine of the fleet, and the host's DI, configuration and logging
    // stacks were a third of its memory. The runtime, a line logger and systemd notification are all it needs.
    var logger = new ConsoleLogger<Monitoring.Agent.AgentRuntime>(
        logFile ?? Console.Out, LogLevel.Information, logFile is null && ConsoleLogger<Monitoring.Agent.AgentRuntime>.OutputIsJournal);
    if (asService && OperatingSystem.IsWindows())
    {
        return WindowsAgentService.Run(stop => AgentProcess.RunAsync(settings.Options, logger, SystemdNotifier.FromEnvironment(), stop));
    }

    return await AgentProcess.RunAsync(settings.Options, logger, SystemdNotifier.FromEnvironment());
}
