using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Monitoring.Agent;
using Monitoring.Configuration;

namespace Monitoring.AgentHost;

/// <summary>The agent's settings: agent.yaml, then MONITORING_AGENT_* environment variables, then the command line.</summary>
internal sealed class AgentSettings
{
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--config"] = "config",
        ["--manager"] = "manager",
        ["--enrollment-token-file"] = "enrollmentTokenFile",
        ["--certificate-thumbprint"] = "certificateThumbprint",
        ["--state-dir"] = "stateDir",
        ["--id"] = "id",
        ["--interval"] = "interval",
        ["--spool-capacity"] = "spoolCapacity",
    };

    /// <summary>The keys agent.yaml may hold; <c>labels:*</c> is free-form.</summary>
    private static readonly string[] KnownKeys =
        ["manager", "enrollmentTokenFile", "enrollmentToken", "certificateThumbprint", "stateDir", "id", "interval", "spoolCapacity",
         "allowRestart", "restartCommand", "logSources", "files:maxBytes", "files:allowHardLinks", "thresholdsFile"];

    /// <summary>Keys that hold lists: <c>key:0</c>, <c>key:1</c>… in flattened form.</summary>
    private static readonly string[] ListKeys = ["restartCommand", "logSources", "files:read", "files:write"];

    private AgentSettings(AgentRuntimeOptions options) => Options = options;

    public AgentRuntimeOptions Options { get; }

    public static AgentSettings Load(string[] args)
    {
        IConfiguration bootstrap;
        try
        {
            bootstrap = new ConfigurationBuilder().AddCommandLine(args, SwitchMappings).Build();
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException(
                $"{ex.Message} Options: {string.Join(", ", SwitchMappings.Keys)}.");
        }

        var builder = new ConfigurationBuilder();
        YamlSettings? yaml = null;
        if (bootstrap["config"] is { Length: > 0 } path)
        {
            yaml = YamlSettings.Load(path);
            foreach (var key in yaml.Keys)
            {
                var known = key.StartsWith("labels:", StringComparison.OrdinalIgnoreCase)
                    || key.StartsWith("thresholds:", StringComparison.OrdinalIgnoreCase) || key.Equals("thresholds", StringComparison.OrdinalIgnoreCase)
                    || KnownKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
                    || ListKeys.Any(l => key.Equals(l, StringComparison.OrdinalIgnoreCase) || key.StartsWith(l + ":", StringComparison.OrdinalIgnoreCase));
                if (!known)
                {
                    throw yaml.ErrorAt(key, $"unknown key; the agent knows: {string.Join(", ", KnownKeys)} and labels.");
                }
            }

            builder.AddInMemoryCollection(yaml.Values);
        }

        builder.AddEnvironmentVariables("MONITORING_AGENT_");
        builder.AddCommandLine(args, SwitchMappings);
        var config = builder.Build();

        ConfigurationException Error(string key, string message)
        {
            var pos = yaml?.PositionOf(key);
            var fromYaml = pos is not null && bootstrap[key] is null;
            return new ConfigurationException(message, fromYaml ? yaml!.File : null, key, fromYaml ? pos?.Line : null, fromYaml ? pos?.Column : null);
        }

        var options = new AgentRuntimeOptions
        {
            AgentId = AgentIds.FromHostName(Environment.MachineName),
            StateDirectory = DefaultStateDirectory(),
        };

        if (config["manager"] is { Length: > 0 } manager)
        {
            if (!Uri.TryCreate(manager, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw Error("manager", $"'{manager}' is not an http:// or https:// URL such as https://mon.example:5000.");
            }

            options.ManagerUrl = uri;
        }

        if (config["id"] is { Length: > 0 } id)
        {
            if (!AgentIds.IsValid(id))
            {
                throw Error("id", $"'{id}' is not a valid agent id: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.");
            }

            options.AgentId = id;
        }

        if (config["interval"] is { Length: > 0 } interval)
        {
            if (!Duration.TryParse(interval, out var span) || span < TimeSpan.FromMilliseconds(100) || span > TimeSpan.FromHours(1))
            {
                throw Error("interval", $"'{interval}' is not a duration from 100ms to 1h; write for example 10s, 1m or 500ms.");
            }

            options.Interval = span;
        }

        if (config["spoolCapacity"] is { Length: > 0 } capacity)
        {
            if (!int.TryParse(capacity, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                throw Error("spoolCapacity", $"'{capacity}' is not a whole number of 1 or more.");
            }

            options.SpoolCapacity = n;
        }

        if (config["stateDir"] is { Length: > 0 } stateDir)
        {
            options.StateDirectory = stateDir;
        }

        options.CertificateThumbprint = config["certificateThumbprint"] is { Length: > 0 } pin ? pin : null;
        if (options.CertificateThumbprint is { } p && Internal.Hex.NormalizeThumbprint(p) is { } normalized
            && (normalized.Length != 64 || !normalized.All(Uri.IsHexDigit)))
        {
            throw Error("certificateThumbprint", "a certificate thumbprint is the 64 hex digits of the certificate's SHA-256 hash, as in the manager's admin.json.");
        }

        if (config["enrollmentTokenFile"] is { Length: > 0 } tokenFile)
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
        else if (config["enrollmentToken"] is { Length: > 0 } token)
        {
            options.EnrollmentToken = token.Trim();
        }

        if (config["allowRestart"] is { Length: > 0 } allow)
        {
            options.Commands.AllowRestart = bool.TryParse(allow, out var b) ? b
                : throw Error("allowRestart", $"'{allow}' is not true or false.");
        }

        if (List(config, "restartCommand") is { Count: > 0 } restart)
        {
            options.Commands.RestartCommand = restart;
        }

        options.Commands.LogSources = List(config, "logSources") ?? [];

        long maxFileBytes = 10L << 30;
        if (config["files:maxBytes"] is { Length: > 0 } max
            && (!long.TryParse(max, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out maxFileBytes) || maxFileBytes < 0))
        {
            throw Error("files:maxBytes", $"'{max}' is not a whole number of bytes.");
        }

        try
        {
            var allowHardLinks = config["files:allowHardLinks"] is { Length: > 0 } links
                && (bool.TryParse(links, out var allowLinks) ? allowLinks : throw Error("files:allowHardLinks", $"'{links}' is not true or false."));
            options.Files = new Monitoring.Files.FilePolicy(List(config, "files:read"), List(config, "files:write"), maxFileBytes) { AllowHardLinks = allowHardLinks };
        }
        catch (ArgumentException ex)
        {
            var key = ex.Message.StartsWith("files.write", StringComparison.Ordinal) ? "files:write" : "files:read";
            throw Error(key, ex.Message[(ex.Message.IndexOf(':', StringComparison.Ordinal) + 2)..].Split(" (Parameter")[0]);
        }

        // Rules live in agent.yaml's thresholds section or in the file thresholdsFile names; either is watched for edits.
        if (config["thresholdsFile"] is { Length: > 0 } rulesFile)
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

        foreach (var label in config.GetSection("labels").GetChildren())
        {
            if (label.Value is not null)
            {
                options.Labels[label.Key] = label.Value;
            }
        }

        return new AgentSettings(options);
    }

    /// <summary>A YAML list, or a single string split on spaces (for <c>restartCommand: systemctl reboot</c>).</summary>
    private static List<string>? List(IConfiguration config, string key)
    {
        if (config[key] is { Length: > 0 } single)
        {
            return [.. single.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }

        var items = config.GetSection(key).GetChildren()
            .OrderBy(c => int.TryParse(c.Key, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
            .Select(c => c.Value)
            .OfType<string>()
            .ToList();
        return items.Count == 0 ? null : items;
    }

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
