using Monitoring.AgentHost;
using Monitoring.Configuration;

AgentSettings settings;
try
{
    settings = AgentSettings.Load(args);
}
catch (ConfigurationException ex)
{
    Console.Error.WriteLine($"Monitoring.Agent: {ex.Message}");
    return 2;
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
