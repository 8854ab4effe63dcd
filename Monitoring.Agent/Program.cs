using Monitoring.AgentHost;
using Monitoring.Configuration;

var commandLine = HostCommandLine.Parse(
    args,
    "Monitoring agent: collects this machine's metrics, reports them to the manager, raises alerts and runs the manager's commands. Settings come from agent.yaml (--config), then MONITORING_AGENT_* environment variables, then these options.",
    AgentSettings.EnvironmentPrefix,
    AgentSettings.Schema,
    new Dictionary<string, string>
    {
        ["--once"] = "Collect one snapshot (rates over a short first interval), print it as JSON and exit; nothing is sent or written.",
        ["--table"] = "With --once: print the snapshot as a readable table instead of JSON.",
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

// No generic host: the agent runs on every machine of the fleet, and the host's DI, configuration and logging stacks
// were a third of its memory. The runtime, a line logger and systemd notification are all it needs.
var logger = new ConsoleLogger<Monitoring.Agent.AgentRuntime>(Console.Out, LogLevel.Information, ConsoleLogger<Monitoring.Agent.AgentRuntime>.OutputIsJournal);
return await AgentProcess.RunAsync(settings.Options, logger, SystemdNotifier.FromEnvironment());
