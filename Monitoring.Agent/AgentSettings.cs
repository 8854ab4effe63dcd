using System.Runtime.InteropServices;
using System.Globalization;
using Monitoring.Agent;
using Monitoring.Configuration;

namespace Monitoring.AgentHost;

/// <summary>The agent's settings: agent.yaml, then MONITORING_AGENT_* environment variables, then the command line.</summary>
internal sealed class AgentSettings
{
    /// <summary>Every setting the agent reads, spelled once: YAML key, command-line switch and environment variable follow from it.</summary>
    public static readonly IReadOnlyList<Setting> Schema =
    [
        new("config", "The agent.yaml file to read first.", @switch: "--config"),
        new("manager", "The manager's URL, for example https://mon.example:5000; several managers of one fleet separated by commas (or a YAML list): the agent moves to the next when one stops answering."),
        new("enrollmentTokenFile", "A file holding the enrollment token (enrollment.token in the manager's data directory)."),
        new("enrollmentToken", "The enrollment token itself; prefer enrollmentTokenFile, which keeps it out of process listings."),
        new("certificateThumbprint", "The SHA-256 thumbprint of the manager's certificate to pin (from admin.json)."),
        new("stateDir", "Where the agent keeps its token, spool and command records.", "/var/lib/monitoring-agent as root, else ~/.local/state/monitoring-agent"),
        new("id", "The agent's id.", "the host name"),
        new("interval", "How often to collect and report, from 100ms to 1h.", "10s"),
        new("spoolCapacity", "How many unsent snapshots to keep while the manager is away.", "8640"),
        new("allowRestart", "Whether the restart command may reboot this machine.", "false"),
        new("restartCommand", "The command restart runs, as a list or one line.", "systemctl reboot"),
        new("logSources", "Files get_logs may read, as a list."),
        new("files:read", "Directories the manager may download files from, as a list.", "none"),
        new("files:write", "Directories the manager may send files into, as a list.", "none"),
        new("files:maxBytes", "The largest file moved in either direction.", Monitoring.Files.FilePolicy.DefaultMaxFileBytes.ToString(CultureInfo.InvariantCulture) + " bytes"),
        new("files:allowHardLinks", "Whether a file with more than one hard link may be read.", "false"),
        new("metrics:gpus", "Whether to report NVIDIA GPUs through NVML where the driver is installed.", "true"),
        new("metrics:nvmlLibrary", "The NVML library to load, where the system loader does not find it (WSL: /usr/lib/wsl/lib/libnvidia-ml.so.1).", "libnvidia-ml.so.1 on Linux, nvml.dll on Windows"),
        new("metrics:temperatures", "Whether to report temperature sensors (Linux hwmon and thermal zones, Windows ACPI thermal zones).", "true"),
        new("logFile", "A file to write the log to instead of standard output; at 10 MiB it becomes NAME.1.EXT and a new one starts.", "standard output (as a Windows service: agent.log in stateDir)"),
        new("thresholdsFile", "A YAML file of threshold rules, watched for edits."),
        new("labels", "Free-form labels reported with the agent, for example labels: { role: web }.", isSection: true),
        new("thresholds", "Threshold rules kept in agent.yaml itself.", isSection: true),
    ];

    /// <summary>The agent's environment variables start with this.</summary>
    public const string EnvironmentPrefix = "MONITORING_AGENT_";

    private AgentSettings(AgentRuntimeOptions options, string? logFile)
    {
        Options = options;
        LogFile = logFile;
    }

    public AgentRuntimeOptions Options { get; }

    /// <summary>The file to log to (<c>logFile</c>), or null for standard output.</summary>
    public string? LogFile { get; }

    /// <summary>Reads agent.yaml, the environment and the options given on the command line, and validates them.</summary>
    public static AgentSettings Load(IReadOnlyDictionary<string, string> commandLine)
    {
        var config = LayeredSettings.Load(Schema, EnvironmentPrefix, commandLine, "the agent");
        var yaml = config.Yaml;
        ConfigurationException Error(string key, string message) => config.Error(key, message);

        var options = new AgentRuntimeOptions
        {
            AgentId = AgentIds.FromHostName(Environment.MachineName),
            StateDirectory = DefaultStateDirectory(),
        };

        var managers = new List<Uri>();
        foreach (var item in config.Text("manager") is { Length: > 0 } text ? [text] : config.List("manager") ?? [])
        {
            foreach (var manager in item.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Uri.TryCreate(manager, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                {
                    throw Error("manager", $"'{manager}' is not an http:// or https:// URL such as https://mon.example:5000.");
                }

                managers.Add(uri);
            }
        }

        if (managers.Count > 0)
        {
            options.ManagerUrl = managers[0];
            options.AlternateManagerUrls = [.. managers.Skip(1)];
        }

        if (config.Text("id") is { Length: > 0 } id)
        {
            if (!AgentIds.IsValid(id))
            {
                throw Error("id", $"'{id}' is not a valid agent id: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.");
            }

            options.AgentId = id;
        }

        options.Interval = config.Duration("interval", options.Interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        options.SpoolCapacity = config.Whole("spoolCapacity", options.SpoolCapacity, 1, int.MaxValue);

        if (config.Text("stateDir") is { Length: > 0 } stateDir)
        {
            options.StateDirectory = stateDir;
        }

        options.CertificateThumbprint = config.Text("certificateThumbprint") is { Length: > 0 } pin ? pin : null;
        if (options.CertificateThumbprint is { } p && Internal.Hex.NormalizeThumbprint(p) is { } normalized
            && (normalized.Length != 64 || !normalized.All(Uri.IsHexDigit)))
        {
            throw Error("certificateThumbprint", "a certificate thumbprint is the 64 hex digits of the certificate's SHA-256 hash, as in the manager's admin.json.");
        }

        if (config.Text("enrollmentTokenFile") is { Length: > 0 } tokenFile)
        {
            try
            {
                options.EnrollmentToken = File.ReadLines(tokenFile).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'))
                    ?? throw Error("enrollmentTokenFile", $"'{tokenFile}' holds no token; copy enrollment.token from the manager's data directory.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Error("enrollmentTokenFile", $"cannot read '{tokenFile}': {ex.Message}. Copy enrollment.token from the manager's data directory.");
            }
        }
        else if (config.Text("enrollmentToken") is { Length: > 0 } token)
        {
            options.EnrollmentToken = token.Trim();
        }

        options.Metrics = MetricsFrom(config);
        options.Commands.AllowRestart = config.Boolean("allowRestart", options.Commands.AllowRestart);
        if (config.List("restartCommand") is { Count: > 0 } restart)
        {
            options.Commands.RestartCommand = restart;
        }

        options.Commands.LogSources = config.List("logSources") ?? [];

        var maxFileBytes = config.Whole("files:maxBytes", Monitoring.Files.FilePolicy.DefaultMaxFileBytes, 0, long.MaxValue);
        try
        {
            var allowHardLinks = config.Boolean("files:allowHardLinks", false);
            options.Files = new Monitoring.Files.FilePolicy(config.List("files:read"), config.List("files:write"), maxFileBytes) { AllowHardLinks = allowHardLinks };
        }
        catch (ArgumentException ex)
        {
            var key = ex.Message.StartsWith("files.write", StringComparison.Ordinal) ? "files:write" : "files:read";
            throw Error(key, ex.Message[(ex.Message.IndexOf(':', StringComparison.Ordinal) + 2)..].Split(" (Parameter")[0]);
        }

        // Rules live in agent.yaml's thresholds section or in the file thresholdsFile names; either is watched for edits.
        if (config.Text("thresholdsFile") is { Length: > 0 } rulesFile)
        {
            options.ThresholdsFile = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(yaml?.File ?? ".")) ?? ".", rulesFile));
        }
        else if (yaml is not null && yaml.Keys.Any(k => k.StartsWith("thresholds", StringComparison.OrdinalIgnoreCase)))
        {
            options.ThresholdsFile = Path.GetFullPath(yaml.File!);
        }

        if (options.ThresholdsFile is { } thresholds)
        {
            // Refuse to start on rules that do not load; a later bad edit keeps the last good rules instead.
            _ = Monitoring.Alerts.ThresholdRules.Load(thresholds);
        }

        foreach (var label in config.Section("labels"))
        {
            options.Labels[label.Key] = label.Value;
        }

        return new AgentSettings(options, config.Text("logFile") is { Length: > 0 } logFile ? Path.GetFullPath(logFile) : null);
    }

    /// <summary>Only what the collector reads (for <c>--once</c>, which needs no manager or token).</summary>
    public static Monitoring.Metrics.MetricCollectorOptions LoadMetrics(IReadOnlyDictionary<string, string> commandLine) =>
        MetricsFrom(LayeredSettings.Load(Schema, EnvironmentPrefix, commandLine, "the agent"));

    private static Monitoring.Metrics.MetricCollectorOptions MetricsFrom(LayeredSettings config) => new()
    {
        Gpus = config.Boolean("metrics:gpus", true),
        NvmlLibrary = config.Text("metrics:nvmlLibrary") is { Length: > 0 } library ? library : null,
        Temperatures = config.Boolean("metrics:temperatures", true),
    };

    private static string DefaultStateDirectory()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "Monitoring", "Agent");
        }

        if (Environment.UserName == "root")
        {
            return "/var/lib/monitoring-agent";
        }

        var stateHome = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return Path.Combine(
            string.IsNullOrEmpty(stateHome) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state") : stateHome,
            "monitoring-agent");
    }
}
