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
    return await OnceCommand.RunAsync(commandLine.Flag("--table"), Console.Out);
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

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
    o.UseUtcTimestamp = true;
});
builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
builder.Services.AddSystemd();
builder.Services.AddSingleton(settings.Options);
builder.Services.AddHostedService<AgentService>();
await builder.Build().RunAsync();
return Environment.ExitCode;
