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

    /// <summary>How long snapshots are kept.</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A PFX certificate to serve instead of the generated self-signed one.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The keys manager.yaml may hold, for typo detection.</summary>
    internal static readonly string[] KnownKeys =
    [
        "urls", "dataDir", "offlineAfterMissedIntervals", "maxRequestBodyBytes", "maxFileBytes", "historyRetention",
        "thresholdsFile", "offlineAlertGrace",
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
        if (config["historyRetention"] is { Length: > 0 } retention)
        {
            var pos = yaml?.PositionOf("historyRetention");
            o.HistoryRetention = Duration.Parse(retention, "historyRetention", yaml?.File, pos?.Line, pos?.Column);
        }

        if (config["offlineAlertGrace"] is { Length: > 0 } grace)
        {
            var pos = yaml?.PositionOf("offlineAlertGrace");
            o.OfflineAlertGrace = Duration.Parse(grace, "offlineAlertGrace", yaml?.File, pos?.Line, pos?.Column);
        }

        o.ThresholdsFile = config["thresholdsFile"] is { Length: > 0 } rules ? Path.GetFullPath(rules) : null;
        o.CertificatePath = config["certificate:path"];
        o.CertificatePassword = config["certificate:password"];
        return o;
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
