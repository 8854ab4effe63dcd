using Monitoring.Configuration;
using Monitoring.Manager;

// --help and --version answer before anything is created; a bad option is exit code 2.
var commandLine = HostCommandLine.Parse(args, ManagerApp.Description, ManagerOptions.EnvironmentPrefix, ManagerOptions.Schema);
if (commandLine.Error is { } usage)
{
    Console.Error.WriteLine($"Monitoring.Manager: {usage}");
    return HostCommandLine.UsageError;
}

if (commandLine.IsInformational)
{
    return commandLine.PrintAndExit(Console.Out);
}

WebApplication app;
try
{
    app = await ManagerApp.CreateAsync(args);
}
catch (Exception ex) when (ex is ConfigurationException or InvalidOperationException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Monitoring.Manager: {ex.Message}");
    return HostCommandLine.UsageError;
}

await app.RunAsync();
return 0;
