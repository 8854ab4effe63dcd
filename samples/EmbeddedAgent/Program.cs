// An app on the .NET generic host that embeds a Monitoring agent: the machine's metrics, the app's own process, a
// value of its own (the orders waiting in its queue) and a command of its own (drain_orders).
// Settings from the command line, environment (Monitoring__Manager, …) or appsettings.json:
//   EmbeddedAgent --Monitoring:Manager https://HOST:5000 --Monitoring:EnrollmentTokenFile enrollment.token
//                 --Monitoring:CertificateThumbprint SHA256 [--Monitoring:AgentId ID] [--Orders:Queued 5]
using EmbeddedAgent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(_ => new OrderQueue(builder.Configuration.GetValue("Orders:Queued", 0)));
builder.Services.AddMonitoringAgent((services, agent) =>
    {
        var settings = services.GetRequiredService<IConfiguration>().GetSection("Monitoring");
        agent.ManagerUrl = new Uri(settings["Manager"] ?? "https://127.0.0.1:5000");
        agent.CertificateThumbprint = settings["CertificateThumbprint"];
        agent.EnrollmentToken = settings["EnrollmentTokenFile"] is { } file ? File.ReadAllText(file).Trim() : settings["EnrollmentToken"];
        // Its own id and state: a machine's standalone agent may run beside it under the machine's name.
        agent.AgentId = settings["AgentId"] ?? $"{Environment.MachineName}-orders";
        agent.StateDirectory = settings["StateDirectory"] ?? Path.Combine(AppContext.BaseDirectory, "monitoring-state");
        agent.Interval = TimeSpan.FromSeconds(settings.GetValue("IntervalSeconds", 10.0));
    })
    .ReportApplication("orders-sample")
    .AddValue("orders.queued", services => services.GetRequiredService<OrderQueue>().Count)
    .AddCommandHandler<DrainOrdersHandler>();

await builder.Build().RunAsync();
