using Monitoring.Configuration;
using Monitoring.Manager;

WebApplication app;
try
{
    app = await ManagerApp.CreateAsync(args);
}
catch (Exception ex) when (ex is ConfigurationException or InvalidOperationException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Monitoring.Manager: {ex.Message}");
    return 2;
}

await app.RunAsync();
return 0;
