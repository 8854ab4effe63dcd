using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Monitoring.Configuration;
using Monitoring.Manager.Apis;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;
using Prometheus;

namespace Monitoring.Manager;

/// <summary>Builds the manager: configuration, security, storage, the fleet and the v1 API.</summary>
public static partial class ManagerApp
{
    /// <summary>What <c>--help</c> says the manager is.</summary>
    public const string Description =
        "Monitoring manager: keeps the fleet (enrollment, reports, history, alerts, commands, files) behind an HTTPS API. Settings come from manager.yaml (--config), then MONITORING_* environment variables, then these options.";

    /// <summary>Creates the manager from command-line arguments, with its store open and its fleet loaded.</summary>
    public static async Task<WebApplication> CreateAsync(string[] args)
    {
        // The content root is where the binaries are, not the working directory, and nothing watches it: a file
        // watcher on a working directory that holds the data directory woke on every database write.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Settings come from LayeredSettings below; the host keeps one empty source for what it sets itself (urls).
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();

        // Precedence, lowest first: manager.yaml, MONITORING_* environment variables, the command line.
        var commandLine = HostCommandLine.Parse(args, Description, ManagerOptions.EnvironmentPrefix, ManagerOptions.Schema);
        if (commandLine.Error is { } usage)
        {
            throw new ConfigurationException(usage);
        }

        var config = LayeredSettings.Load(ManagerOptions.Schema, ManagerOptions.EnvironmentPrefix, commandLine.Values, "the manager");
        var yaml = config.Yaml;
        var options = ManagerOptions.From(config);
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);

        builder.Logging.AddConsole(o => o.FormatterName = Logging.EscapingConsoleFormatter.FormatterName)
            .AddConsoleFormatter<Logging.EscapingConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Off altogether (it logs only request starts and ends, below Warning): while it is enabled at any level,
        // hosting gives every request an Activity and a log scope, which ten thousand agents' long-polls hold for
        // their whole wait. Errors are logged by the exception handler's own category.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // Data protection is pulled in by authentication but protects nothing here: bearer tokens are not cookies.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // One line per rejected token would let a flood of bad requests flood the log: AuthFailureLog summarises them.
        builder.Logging.AddFilter(typeof(TokenAuthenticationHandler).FullName, LogLevel.Warning);
        // Each a no-op unless the process runs under that service manager: systemd (Type=notify, journald log
        // levels) or the Windows service control manager (start/stop, the Event Log; docs/windows.md).
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "Monitoring Manager");

        using var startupLoggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
        var startupLogger = startupLoggers.CreateLogger("Monitoring.Manager");
        var secrets = ManagerSecrets.LoadOrCreate(options.DataDirectory);
        if (yaml?.File is { } configFile && !OperatingSystem.IsWindows() && Notifications.ReceiverConfiguration.HoldsSecrets(yaml)
            && (File.GetUnixFileMode(configFile) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            LogReadableSecrets(startupLogger, configFile);
        }

        var urls = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(WithoutWildcard(url), UriKind.Absolute, out var parsed)
                || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                throw config.Error("urls", $"'{url}' is not an http:// or https:// URL to listen on, such as https://0.0.0.0:5000.");
            }
        }

        var certificate = urls.Any(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            ? ManagerCertificate.LoadOrCreate(options, startupLogger)
            : null;
        var thumbprint = certificate is null ? null : ManagerCertificate.Thumbprint(certificate);

        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            // A file download writes far more than the default 64 KiB before the socket drains it: with the default, the
            // copy paused and resumed on another thread every 64 KiB, and those switches were 40 % of the manager's time.
            k.Limits.MaxResponseBufferSize = 4 << 20;
            if (certificate is not null)
            {
                k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate);
            }
        });

        builder.Services.AddSingleton(options);
        // A stop ends long-polls and waits at once; what is still running (a file transfer, which resumes) gets this long.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(secrets);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMonitoringStorage(options);
        builder.Services.AddHostedService<Storage.History.HistorySealer>();
        builder.Services.AddSingleton<CredentialService>();
        builder.Services.AddSingleton<Alerts.FiringAlerts>();
        builder.Services.AddSingleton<FleetRegistry>();
        builder.Services.AddSingleton<FleetEvents>();
        builder.Services.AddSingleton<DashboardSessions>();
        builder.Services.AddSingleton<EnrollmentService>();
        builder.Services.AddSingleton<AuthFailureLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuthFailureLog>());
        builder.Services.AddHostedService<OfflineMonitor>();
        builder.Services.AddHostedService<RetentionService>();
        builder.Services.AddSingleton<Commands.CommandBroker>();
        builder.Services.AddSingleton<Commands.CommandStream>();
        builder.Services.AddSingleton<Commands.CommandService>();
        builder.Services.AddSingleton<Files.FileStore>();
        builder.Services.AddSingleton<Files.FileService>();
        builder.Services.AddSingleton<Alerts.AlertService>();
        builder.Services.AddSingleton<Notifications.ReceiverRegistry>();
        builder.Services.AddSingleton<Notifications.NotificationRouter>();
        builder.Services.AddSingleton<Notifications.NotificationSignal>();
        builder.Services.AddSingleton<Notifications.WebhookSender>();
        builder.Services.AddSingleton<Notifications.EmailSender>();
        builder.Services.AddSingleton(new Notifications.AlertLinks(options.ExternalUrl ?? ReachableUrl(urls[0])));
        builder.Services.AddSingleton<Notifications.NotificationDelivery>();
        builder.Services.AddSingleton<Notifications.NotificationService>();
        builder.Services.AddHostedService<Notifications.NotificationDispatcher>();
        builder.Services.AddSingleton<Observability.ManagerMetrics>();
        builder.Services.AddSingleton<Observability.FleetExposition>();
        builder.Services.AddSingleton<Observability.MetricsService>();
        builder.Services.AddSingleton(new Alerts.CentralThresholds(options));
        builder.Services.AddHostedService<Alerts.ThresholdsFileWatcher>();
        builder.Services.AddHostedService<Commands.CommandSweeper>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, MonitoringJsonContext.Default);
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Customize);
        builder.Services.AddMonitoringOpenApi();
        builder.Services.AddExceptionHandler<Apis.StoreUnavailableHandler>();
        builder.Services.AddExceptionHandler<Apis.BadRequestBodyHandler>();
        builder.Services.AddMonitoringRateLimits(options);
        builder.Services
            .AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        static bool ApprovedAgent(Microsoft.AspNetCore.Authorization.AuthorizationHandlerContext c) =>
            c.User.IsInRole(Roles.Agent) && !c.User.IsPendingAgent();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.ReaderPolicy, p => p.RequireRole(Roles.Reader))
            .AddPolicy(Roles.OperatorPolicy, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Roles.AdminPolicy, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.AgentPolicy, p => p.RequireAssertion(ApprovedAgent))
            .AddPolicy(Roles.RegisterPolicy, p => p.RequireRole(Roles.Agent, Roles.Enrollment))
            .AddPolicy(Roles.UploaderPolicy, p => p.RequireAssertion(c => c.User.IsInRole(Roles.Operator) || ApprovedAgent(c)))
            .AddPolicy(Roles.FileReaderPolicy, p => p.RequireAssertion(c => c.User.IsInRole(Roles.Reader) || ApprovedAgent(c)))
            .AddPolicy(Roles.ThresholdsReaderPolicy, p => p.RequireAssertion(c => c.User.IsInRole(Roles.Reader) || ApprovedAgent(c)))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        var app = builder.Build();

        var store = app.Services.GetRequiredService<IAgentStore>();
        await store.InitializeAsync(CancellationToken.None);
        var history = app.Services.GetRequiredService<Storage.History.IHistoryStore>();
        await history.InitializeAsync(CancellationToken.None);
        await app.Services.GetRequiredService<CredentialService>().LoadAsync(CancellationToken.None);
        var agents = new List<(StoredAgent, Metrics.MetricSnapshot?)>();
        foreach (var (agent, latest) in await store.LoadAgentsAsync(CancellationToken.None))
        {
            // An agent whose recent rows were all sealed finds its latest snapshot in its newest chunk.
            agents.Add((agent, latest ?? await history.GetLatestAsync(agent.Id, CancellationToken.None)));
        }

        app.Services.GetRequiredService<FleetRegistry>().Load(agents, await app.Services.GetRequiredService<IAlertStore>().AgentsWithOpenAlertAsync(FleetRegistry.OfflineRule, CancellationToken.None));
        await app.Services.GetRequiredService<Notifications.ReceiverRegistry>().LoadAsync(CancellationToken.None);
        await app.Services.GetRequiredService<Alerts.AlertService>().LoadAsync(CancellationToken.None);

        app.UseExceptionHandler();
        app.UseSecurityHeaders();
        // The dashboard's files (the sign-in page and the code behind it) are public; everything they show comes
        // from the API, which is not.
        var dashboard = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "Dashboard"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = dashboard });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = dashboard,
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache",
        });
        var metrics = app.Services.GetRequiredService<Observability.ManagerMetrics>();
        app.UseHttpMetrics(o =>
        {
            // The duration histogram alone (its _count is the request count); open streams are counted by the broker.
            o.SetMetricFactory(metrics.Factory);
            o.ReduceStatusCodeCardinality();
            o.RequestCount.Enabled = false;
            o.InProgress.Enabled = false;
        });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseDashboardCsrf();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapHealthApi();
        app.MapAgentsApi();
        app.MapCredentialsApi();
        app.MapStatusApi();
        app.MapAlertsApi();
        app.MapNotificationsApi();
        app.MapCommandsApi();
        app.MapFilesApi();
        app.MapMetricsApi();
        app.MapSessionApi();
        app.MapFleetApi();
        app.MapMonitoringOpenApi();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Monitoring.Manager");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var bound = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            var adminUrl = ReachableUrl(bound.FirstOrDefault() ?? urls[0]);
            secrets.WriteAdminConnection(adminUrl, thumbprint);
            foreach (var address in bound)
            {
                if (address.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !IsLoopback(address))
                {
                    LogPlainHttp(logger, address);
                }
            }

            LogStarted(logger, string.Join(", ", bound), options.DataDirectory);
            LogAdminFile(logger, secrets.AdminConnectionPath);
            LogHowToEnroll(logger, adminUrl, secrets.EnrollmentTokenPath, thumbprint is null ? "" : " --certificate-thumbprint " + thumbprint);
        });
        return app;
    }

    /// <summary>Turns a wildcard listen address into one a local admin can connect to.</summary>
    private static string ReachableUrl(string address)
    {
        var uri = new UriBuilder(WithoutWildcard(address));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    private static bool IsLoopback(string address)
    {
        var host = new Uri(WithoutWildcard(address)).Host;
        return host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>Kestrel's "any address" forms (http://*:5000, http://+:5000) as a URL System.Uri can parse.</summary>
    private static string WithoutWildcard(string address) =>
        address.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening on {Address} over plain HTTP on a non-loopback address: tokens and metrics cross the network unencrypted. Use https:// unless a TLS proxy fronts the manager.")]
    private static partial void LogPlainHttp(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} holds notification secrets (a password, signing key or header) and other users may read it: chmod 600 it, or set the secrets as MONITORING_NOTIFICATIONS__RECEIVERS__N__… environment variables instead.")]
    private static partial void LogReadableSecrets(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitoring manager started on {Urls}; data in {DataDir}")]
    private static partial void LogStarted(ILogger logger, string urls, string dataDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin connection file: {AdminFile}")]
    private static partial void LogAdminFile(ILogger logger, string adminFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enroll an agent with: Monitoring.Agent --manager {Url} --enrollment-token-file {TokenFile}{Pin}")]
    private static partial void LogHowToEnroll(ILogger logger, string url, string tokenFile, string pin);
}
