using Monitoring.Configuration;

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
    public long MaxFileBytes { get; set; } = 10L << 30;

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

    /// <summary>How long alert transitions are kept.</summary>
    public TimeSpan AlertRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long finished commands (the audit trail) are kept.</summary>
    public TimeSpan CommandRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long silences are kept after they end.</summary>
    public TimeSpan SilenceRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a completed file stays in the store (record and bytes) unless an open command still offers it.</summary>
    public TimeSpan FileRetention { get; set; } = TimeSpan.FromDays(30);

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

    /// <summary>The keys manager.yaml may hold, for typo detection.</summary>
    internal static readonly string[] KnownKeys =
    [
        "urls", "dataDir", "offlineAfterMissedIntervals", "maxRequestBodyBytes", "maxFileBytes", "historyRetention",
        "thresholdsFile", "offlineAlertGrace", "maxAgents", "maxClockSkew", "history:sealAfter",
        "files:maxBytesPerAgent", "files:maxStoreBytes", "files:uploadTtl",
        "retention:alerts", "retention:commands", "retention:silences", "retention:files", "retention:rollup1m", "retention:rollup1h",
        "rateLimits:requestsPerSecondPerCredential", "rateLimits:enrollmentsPerMinutePerAddress", "rateLimits:failedAuthPerMinutePerAddress",
        "certificate:path", "certificate:password",
    ];

    /// <summary>Reads the options from configuration, with errors that name the key.</summary>
    internal static ManagerOptions From(IConfiguration config, YamlSettings? yaml)
    {
        var o = new ManagerOptions();
        o.Urls = config["urls"] is { Length: > 0 } urls ? urls : o.Urls;
        o.DataDirectory = config["dataDir"] is { Length: > 0 } dir ? dir : o.DataDirectory;
        o.OfflineAfterMissedIntervals = Int(config, yaml, "offlineAfterMissedIntervals", o.OfflineAfterMissedIntervals, 1, 1000);
        o.MaxRequestBodyBytes = Int(config, yaml, "maxRequestBodyBytes", o.MaxRequestBodyBytes, 1024, long.MaxValue);
        o.MaxFileBytes = Int(config, yaml, "maxFileBytes", o.MaxFileBytes, 0, long.MaxValue);
        o.HistoryRetention = Span(config, yaml, "historyRetention", o.HistoryRetention);
        o.OfflineAlertGrace = Span(config, yaml, "offlineAlertGrace", o.OfflineAlertGrace);
        o.MaxAgents = Int(config, yaml, "maxAgents", o.MaxAgents, 1, 10_000_000);
        o.MaxClockSkew = Span(config, yaml, "maxClockSkew", o.MaxClockSkew);
        o.MaxFileBytesPerAgent = Int(config, yaml, "files:maxBytesPerAgent", o.MaxFileBytesPerAgent, 0, long.MaxValue);
        o.MaxFileStoreBytes = Int(config, yaml, "files:maxStoreBytes", o.MaxFileStoreBytes, 0, long.MaxValue);
        o.UploadTtl = Span(config, yaml, "files:uploadTtl", o.UploadTtl);
        o.SealAfter = Span(config, yaml, "history:sealAfter", o.SealAfter);
        o.MinuteRollupRetention = Span(config, yaml, "retention:rollup1m", o.MinuteRollupRetention);
        o.HourRollupRetention = Span(config, yaml, "retention:rollup1h", o.HourRollupRetention);
        o.AlertRetention = Span(config, yaml, "retention:alerts", o.AlertRetention);
        o.CommandRetention = Span(config, yaml, "retention:commands", o.CommandRetention);
        o.SilenceRetention = Span(config, yaml, "retention:silences", o.SilenceRetention);
        o.FileRetention = Span(config, yaml, "retention:files", o.FileRetention);
        o.RequestsPerSecondPerCredential = Int(config, yaml, "rateLimits:requestsPerSecondPerCredential", o.RequestsPerSecondPerCredential, 1, 1_000_000);
        o.EnrollmentsPerMinutePerAddress = Int(config, yaml, "rateLimits:enrollmentsPerMinutePerAddress", o.EnrollmentsPerMinutePerAddress, 1, 1_000_000);
        o.FailedAuthPerMinutePerAddress = Int(config, yaml, "rateLimits:failedAuthPerMinutePerAddress", o.FailedAuthPerMinutePerAddress, 1, 1_000_000);

        o.ThresholdsFile = config["thresholdsFile"] is { Length: > 0 } rules ? Path.GetFullPath(rules) : null;
        o.CertificatePath = config["certificate:path"];
        o.CertificatePassword = config["certificate:password"];
        return o;
    }

    private static TimeSpan Span(IConfiguration config, YamlSettings? yaml, string key, TimeSpan fallback)
    {
        if (config[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        var pos = yaml?.PositionOf(key);
        return Duration.Parse(text, key, yaml?.File, pos?.Line, pos?.Column);
    }

    private static long Int(IConfiguration config, YamlSettings? yaml, string key, long fallback, long min, long max)
    {
        var text = config[key];
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (!long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            var pos = yaml?.PositionOf(key);
            throw new ConfigurationException($"'{text}' is not a whole number from {min} to {max}.", yaml?.File, key, pos?.Line, pos?.Column);
        }

        return v;
    }

    private static int Int(IConfiguration config, YamlSettings? yaml, string key, int fallback, int min, int max) =>
        (int)Int(config, yaml, key, (long)fallback, min, max);
}
