using Monitoring.Configuration;
using Monitoring.Protocol;

namespace Monitoring.Manager;

/// <summary>The manager's own settings, from manager.yaml, MONITORING_* environment variables and the command line.</summary>
public sealed class ManagerOptions
{
    /// <summary>The URLs to listen on; HTTPS with a self-signed certificate by default.</summary>
    public string Urls { get; set; } = "https://127.0.0.1:5000";

    /// <summary>Where the database, tokens, certificate and admin.json live.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>An agent is offline after this many missed intervals.</summary>
    public int OfflineAfterMissedIntervals { get; set; } = 3;

    /// <summary>The largest request body accepted (413 beyond).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest file the store accepts (413 beyond).</summary>
    public long MaxFileBytes { get; set; } = Monitoring.Files.FilePolicy.DefaultMaxFileBytes;

    /// <summary>The fleet-wide threshold rules file; thresholds.yaml in the data directory when null.</summary>
    public string? ThresholdsFile { get; set; }

    /// <summary>After a start, how long the manager waits before raising offline alerts, so agents can report first.</summary>
    public TimeSpan OfflineAlertGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long raw snapshots (rows and chunks) are kept.</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long 1-minute rollups are kept.</summary>
    public TimeSpan MinuteRollupRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long 1-hour rollups are kept.</summary>
    public TimeSpan HourRollupRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>The most agents the manager enrolls (507 beyond).</summary>
    public int MaxAgents { get; set; } = 100_000;

    /// <summary>How far in the future a snapshot's timestamp may be (by the manager's clock) before it is refused.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most bytes the file store keeps for one agent's uploads (507 beyond).</summary>
    public long MaxFileBytesPerAgent { get; set; } = 20L << 30;

    /// <summary>The most bytes the file store keeps in all (507 beyond).</summary>
    public long MaxFileStoreBytes { get; set; } = 100L << 30;

    /// <summary>An upload that has not completed after this long is removed with its partial bytes.</summary>
    public TimeSpan UploadTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a snapshot stays a row of its own before it is sealed into its agent's compact chunk.</summary>
    public TimeSpan SealAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a command stream with nothing to deliver sends a heartbeat line (at most <see cref="ApiRoutes.MaxStreamHeartbeatSeconds"/>).</summary>
    public TimeSpan CommandStreamHeartbeat { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long one command stream lasts before the manager ends it and the agent opens the next (which spreads agents over managers again).</summary>
    public TimeSpan CommandStreamLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long one dashboard event stream lasts before the manager ends it and the browser opens the next: each
    /// reconnection authenticates again, so a signed-out or revoked session stops receiving within this time.
    /// </summary>
    public TimeSpan EventStreamLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long alert transitions are kept.</summary>
    public TimeSpan AlertRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long finished commands (the audit trail) are kept.</summary>
    public TimeSpan CommandRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long silences are kept after they end.</summary>
    public TimeSpan SilenceRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a completed file stays in the store (record and bytes) unless an open command still offers it.</summary>
    public TimeSpan FileRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Where the fleet's data lives: <c>sqlite</c> (embedded, in the data directory) or <c>postgres</c> (shared by several managers).</summary>
    public string StorageProvider { get; set; } = Storage.StorageRegistration.Sqlite;

    /// <summary>The PostgreSQL connection string (Npgsql form) when <see cref="StorageProvider"/> is <c>postgres</c>.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Where stored files' bytes live; several managers on one PostgreSQL share it (NFS or similar).</summary>
    public string? FilesDirectory { get; set; }

    /// <summary>The receivers of alert notifications defined in manager.yaml (read-only through the API).</summary>
    public IReadOnlyList<Receiver> Receivers { get; set; } = [];

    /// <summary>The dashboard's address as people reach it, for links in notifications; the first listen URL when null.</summary>
    public string? ExternalUrl { get; set; }

    /// <summary>How long an undelivered notification is retried before it is marked failed.</summary>
    public TimeSpan NotificationGiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long delivered or failed notifications (and their attempts) are kept.</summary>
    public TimeSpan NotificationRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Requests a second one credential may make on average (token bucket; bursts of ten times that).</summary>
    public int RequestsPerSecondPerCredential { get; set; } = 50;

    /// <summary>Enrollments a minute one client address may attempt.</summary>
    public int EnrollmentsPerMinutePerAddress { get; set; } = 30;

    /// <summary>Requests with a bad token a minute one client address may make before it is answered 429.</summary>
    public int FailedAuthPerMinutePerAddress { get; set; } = 60;

    /// <summary>A PFX certificate to serve instead of the generated self-signed one.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The manager's environment variables start with this.</summary>
    public const string EnvironmentPrefix = "MONITORING_";

    /// <summary>Every setting the manager reads, spelled once: YAML key, command-line switch and environment variable follow from it.</summary>
    internal static readonly IReadOnlyList<Setting> Schema =
    [
        new("config", "The manager.yaml file to read first.", @switch: "--config"),
        new("urls", "The URLs to listen on, separated by ';'.", "https://127.0.0.1:5000"),
        new("dataDir", "Where the database, tokens, certificate and admin.json live.", "./data"),
        new("offlineAfterMissedIntervals", "An agent is offline after this many missed intervals.", "3", "--offline-after"),
        new("maxRequestBodyBytes", "The largest request body accepted (413 beyond).", "4194304"),
        new("maxFileBytes", "The largest file the store accepts (413 beyond).", Monitoring.Files.FilePolicy.DefaultMaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("historyRetention", "How long raw snapshots are kept.", "48h"),
        new("thresholdsFile", "The fleet-wide threshold rules file, watched for edits.", "thresholds.yaml in the data directory"),
        new("offlineAlertGrace", "After a start, how long to wait before raising offline alerts.", "2m"),
        new("maxAgents", "The most agents enrolled (507 beyond).", "100000"),
        new("maxClockSkew", "How far in the future a snapshot's timestamp may be.", "24h"),
        new("commands:streamHeartbeat", "How often an agent's idle command stream gets a heartbeat line (1s to 30s).", "20s"),
        new("commands:streamLifetime", "How long one command stream lasts before the agent opens the next.", "10m"),
        new("dashboard:eventStreamLifetime", "How long one dashboard event stream lasts before the browser opens the next (each reconnection authenticates again).", "5m"),
        new("history:sealAfter", "How long a snapshot stays a row of its own before it is packed into its agent's chunk.", "10m"),
        new("storage:provider", "Where the fleet's data lives: sqlite (embedded, the default) or postgres (shared by several managers).", "sqlite"),
        new("storage:connectionString", "The PostgreSQL connection string (Host=…;Database=…;Username=…); prefer the environment variable for the password."),
        new("files:directory", "Where stored files' bytes live; managers sharing one PostgreSQL share this folder.", "files in the data directory"),
        new("files:maxBytesPerAgent", "The most bytes kept for one agent's uploads.", "21474836480"),
        new("files:maxStoreBytes", "The most bytes the file store keeps in all.", "107374182400"),
        new("files:uploadTtl", "How long an unfinished upload is kept.", "24h"),
        new("retention:alerts", "How long alert transitions are kept.", "90d"),
        new("retention:commands", "How long finished commands (the audit trail) are kept.", "90d"),
        new("retention:silences", "How long silences are kept after they end.", "90d"),
        new("retention:files", "How long a completed file stays in the store.", "30d"),
        new("retention:notifications", "How long delivered or failed notifications and their attempts are kept.", "30d"),
        new("notifications:externalUrl", "The dashboard's address as people reach it, for links in notifications.", "the first of urls"),
        new("notifications:giveUpAfter", "How long an undelivered notification is retried before it is marked failed.", "24h"),
        new(Notifications.ReceiverConfiguration.Key, "Receivers of alert notifications (webhook, email) with their routes; see docs/notifications.md.", isSection: true),
        new("retention:rollup1m", "How long 1-minute rollups are kept.", "30d"),
        new("retention:rollup1h", "How long 1-hour rollups are kept.", "730d"),
        new("rateLimits:requestsPerSecondPerCredential", "Requests a second one credential may make on average (bursts of ten times that).", "50"),
        new("rateLimits:enrollmentsPerMinutePerAddress", "Enrollments a minute one client address may attempt.", "30"),
        new("rateLimits:failedAuthPerMinutePerAddress", "Requests with a bad token a minute one address may make before 429.", "60"),
        new("certificate:path", "A PFX certificate to serve instead of the generated self-signed one.", @switch: "--certificate"),
        new("certificate:password", "The PFX's password; prefer the environment variable."),
    ];

    /// <summary>Reads and validates the options; errors name the file and line, the environment variable or the option.</summary>
    internal static ManagerOptions From(LayeredSettings config)
    {
        var o = new ManagerOptions();
        o.Urls = config.Text("urls") is { Length: > 0 } urls ? urls : o.Urls;
        o.DataDirectory = config.Text("dataDir") is { Length: > 0 } dir ? dir : o.DataDirectory;
        o.OfflineAfterMissedIntervals = config.Whole("offlineAfterMissedIntervals", o.OfflineAfterMissedIntervals, 1, 1000);
        o.MaxRequestBodyBytes = config.Whole("maxRequestBodyBytes", o.MaxRequestBodyBytes, 1024, long.MaxValue);
        o.MaxFileBytes = config.Whole("maxFileBytes", o.MaxFileBytes, 0, long.MaxValue);
        o.HistoryRetention = config.Duration("historyRetention", o.HistoryRetention);
        o.OfflineAlertGrace = config.Duration("offlineAlertGrace", o.OfflineAlertGrace);
        o.MaxAgents = config.Whole("maxAgents", o.MaxAgents, 1, 10_000_000);
        o.MaxClockSkew = config.Duration("maxClockSkew", o.MaxClockSkew);
        o.MaxFileBytesPerAgent = config.Whole("files:maxBytesPerAgent", o.MaxFileBytesPerAgent, 0, long.MaxValue);
        o.MaxFileStoreBytes = config.Whole("files:maxStoreBytes", o.MaxFileStoreBytes, 0, long.MaxValue);
        o.UploadTtl = config.Duration("files:uploadTtl", o.UploadTtl);
        o.SealAfter = config.Duration("history:sealAfter", o.SealAfter);
        o.EventStreamLifetime = config.Duration("dashboard:eventStreamLifetime", o.EventStreamLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        o.CommandStreamHeartbeat = config.Duration("commands:streamHeartbeat", o.CommandStreamHeartbeat, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(ApiRoutes.MaxStreamHeartbeatSeconds));
        o.CommandStreamLifetime = config.Duration("commands:streamLifetime", o.CommandStreamLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        o.MinuteRollupRetention = config.Duration("retention:rollup1m", o.MinuteRollupRetention);
        o.HourRollupRetention = config.Duration("retention:rollup1h", o.HourRollupRetention);
        o.AlertRetention = config.Duration("retention:alerts", o.AlertRetention);
        o.CommandRetention = config.Duration("retention:commands", o.CommandRetention);
        o.SilenceRetention = config.Duration("retention:silences", o.SilenceRetention);
        o.FileRetention = config.Duration("retention:files", o.FileRetention);
        o.RequestsPerSecondPerCredential = config.Whole("rateLimits:requestsPerSecondPerCredential", o.RequestsPerSecondPerCredential, 1, 1_000_000);
        o.EnrollmentsPerMinutePerAddress = config.Whole("rateLimits:enrollmentsPerMinutePerAddress", o.EnrollmentsPerMinutePerAddress, 1, 1_000_000);
        o.FailedAuthPerMinutePerAddress = config.Whole("rateLimits:failedAuthPerMinutePerAddress", o.FailedAuthPerMinutePerAddress, 1, 1_000_000);

        o.NotificationRetention = config.Duration("retention:notifications", o.NotificationRetention);
        o.NotificationGiveUpAfter = config.Duration("notifications:giveUpAfter", o.NotificationGiveUpAfter, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        if (config.Text("notifications:externalUrl") is { Length: > 0 } external)
        {
            if (!Uri.TryCreate(external, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
            {
                throw config.Error("notifications:externalUrl", $"'{external}' is not an http:// or https:// URL, such as https://monitoring.example.com:5000.");
            }

            o.ExternalUrl = external.TrimEnd('/');
        }

        o.Receivers = Notifications.ReceiverConfiguration.Read(config);
        if (config.Text("storage:provider") is { Length: > 0 } provider)
        {
            o.StorageProvider = provider.ToLowerInvariant() switch
            {
                "sqlite" => Storage.StorageRegistration.Sqlite,
                "postgres" or "postgresql" => Storage.StorageRegistration.Postgres,
                _ => throw config.Error("storage:provider", $"'{provider}' is not sqlite or postgres."),
            };
        }

        o.StorageConnectionString = config.Text("storage:connectionString");
        if (o.StorageProvider == Storage.StorageRegistration.Postgres)
        {
            if (string.IsNullOrWhiteSpace(o.StorageConnectionString))
            {
                throw config.Error("storage:provider",
                    "postgres needs storage:connectionString (Host=db.example;Database=monitoring;Username=monitoring), with the password in MONITORING_STORAGE__CONNECTIONSTRING or a ~/.pgpass file.");
            }

            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(o.StorageConnectionString);
            }
            catch (ArgumentException ex)
            {
                throw config.Error("storage:connectionString", $"not a PostgreSQL connection string: {ex.Message} Write for example Host=db.example;Database=monitoring;Username=monitoring.");
            }
        }

        o.FilesDirectory = config.Text("files:directory") is { Length: > 0 } files ? Path.GetFullPath(files) : null;
        o.ThresholdsFile = config.Text("thresholdsFile") is { Length: > 0 } rules ? Path.GetFullPath(rules) : null;
        o.CertificatePath = config.Text("certificate:path");
        o.CertificatePassword = config.Text("certificate:password");
        return o;
    }
}
