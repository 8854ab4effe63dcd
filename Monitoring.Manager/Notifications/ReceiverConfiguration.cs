using System.Globalization;
using Monitoring.Configuration;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// Reads the receivers of manager.yaml's <c>notifications:receivers</c> list (environment variables may set any
/// key, for example <c>MONITORING_NOTIFICATIONS__RECEIVERS__0__EMAIL__PASSWORD</c> for a secret). Errors name the
/// key and its line.
/// </summary>
internal static class ReceiverConfiguration
{
    public const string Key = "notifications:receivers";

    private static readonly string[] Known =
    [
        "name", "webhook:url", "webhook:allowInsecureUrl", "webhook:signingKey", "webhook:headers:*",
        "email:host", "email:port", "email:security", "email:certificateThumbprint", "email:username", "email:password", "email:from", "email:to",
        "route:severities", "route:agents", "route:labels:*", "route:groupBy", "route:groupWait", "route:groupInterval", "route:repeatInterval", "route:sendResolved",
    ];

    public static IReadOnlyList<Receiver> Read(LayeredSettings config)
    {
        var receivers = new List<Receiver>();
        var entries = config.Section(Key)
            .Select(kv => (Index: kv.Key.Split(':')[0], Key: kv.Key.Contains(':') ? kv.Key.Substring(kv.Key.IndexOf(':') + 1) : ""))
            .GroupBy(e => e.Index)
            .OrderBy(g => int.TryParse(g.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue);
        foreach (var item in entries)
        {
            var prefix = Key + ":" + item.Key;
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw config.Error(prefix, "notifications:receivers is a list: start each receiver with '- name: …'.");
            }

            foreach (var rest in item.Select(e => e.Key))
            {
                var pattern = StripIndex(rest);
                if (!Known.Any(k => k.Equals(pattern, StringComparison.OrdinalIgnoreCase) || (k.EndsWith(":*", StringComparison.Ordinal) && pattern.StartsWith(k[..^1], StringComparison.OrdinalIgnoreCase))))
                {
                    throw config.Error(prefix + ":" + rest, $"unknown receiver key '{rest}'. A receiver knows: {string.Join(", ", Known)}.");
                }
            }

            string? Text(string key) => config.Text(prefix + ":" + key);
            List<string>? List(string key) => config.List(prefix + ":" + key);
            double? Seconds(string key) => Text(key) is { Length: > 0 } ? config.Duration(prefix + ":" + key, TimeSpan.Zero).TotalSeconds : null;

            WebhookReceiver? webhook = null;
            if (Text("webhook:url") is { } url)
            {
                var headers = config.Section(prefix + ":webhook:headers");
                webhook = new WebhookReceiver
                {
                    Url = url,
                    AllowInsecureUrl = config.Boolean(prefix + ":webhook:allowInsecureUrl", false),
                    SigningKey = Text("webhook:signingKey"),
                    Headers = headers.Count > 0 ? headers : null,
                };
            }

            EmailReceiver? email = null;
            if (Text("email:host") is { } host)
            {
                var security = Text("email:security") is { Length: > 0 } word
                    ? WireNames.Parse(word, MonitoringJsonContext.Default.SmtpSecurity)
                        ?? throw config.Error(prefix + ":email:security", $"'{word}' is not starttls, tls or none.")
                    : SmtpSecurity.StartTls;
                email = new EmailReceiver
                {
                    Host = host,
                    Port = Text("email:port") is { Length: > 0 } ? config.Whole(prefix + ":email:port", 0, 1, 65535) : null,
                    Security = security,
                    CertificateThumbprint = Text("email:certificateThumbprint"),
                    Username = Text("email:username"),
                    Password = Text("email:password"),
                    From = Text("email:from") ?? "",
                    To = List("email:to") ?? [],
                };
            }

            var severities = new List<AlertSeverity>();
            foreach (var word in List("route:severities") ?? [])
            {
                severities.Add(WireNames.Parse(word, MonitoringJsonContext.Default.AlertSeverity)
                    ?? throw config.Error(prefix + ":route:severities", $"'{word}' is not info, warning or critical."));
            }

            var labels = config.Section(prefix + ":route:labels");
            var receiver = new Receiver
            {
                Name = Text("name") ?? "",
                Webhook = webhook,
                Email = email,
                Route = new NotificationRoute
                {
                    Severities = severities.Count > 0 ? severities : null,
                    Agents = Text("route:agents"),
                    Labels = labels.Count > 0 ? labels : null,
                    GroupBy = List("route:groupBy"),
                    GroupWaitSeconds = Seconds("route:groupWait"),
                    GroupIntervalSeconds = Seconds("route:groupInterval"),
                    RepeatIntervalSeconds = Seconds("route:repeatInterval"),
                    SendResolved = Text("route:sendResolved") is { Length: > 0 } ? config.Boolean(prefix + ":route:sendResolved", true) : null,
                },
            };
            if (ReceiverRules.Problem(receiver) is { } problem)
            {
                throw config.Error(prefix + ":name", problem);
            }

            if (receivers.Any(r => r.Name.Equals(receiver.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw config.Error(prefix + ":name", $"receiver '{receiver.Name}' is defined twice; names must be unique.");
            }

            receivers.Add(receiver);
        }

        return receivers;
    }

    /// <summary>True when the file itself sets a receiver's secret (a password, signing key or header value).</summary>
    public static bool HoldsSecrets(YamlSettings yaml) =>
        yaml.Values.Any(kv => kv.Value is { Length: > 0 } && kv.Key.StartsWith(Key + ":", StringComparison.OrdinalIgnoreCase)
            && (kv.Key.EndsWith(":email:password", StringComparison.OrdinalIgnoreCase)
                || kv.Key.EndsWith(":webhook:signingKey", StringComparison.OrdinalIgnoreCase)
                || kv.Key.Contains(":webhook:headers:", StringComparison.OrdinalIgnoreCase)));

    /// <summary>A list item's key without its index: <c>email:to:1</c> → <c>email:to</c>.</summary>
    private static string StripIndex(string key)
    {
        var last = key.LastIndexOf(':');
        return last > 0 && key[(last + 1)..].All(char.IsAsciiDigit) ? key[..last] : key;
    }
}
