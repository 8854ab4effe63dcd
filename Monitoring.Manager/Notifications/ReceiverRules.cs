using System.Net;
using System.Text.RegularExpressions;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// What makes a receiver valid (the same rules for manager.yaml and the API), the defaults of its route, how a
/// replacement keeps the secrets it leaves out, and the view without secrets that the API returns.
/// </summary>
internal static partial class ReceiverRules
{
    public static readonly TimeSpan DefaultGroupWait = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultGroupInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultRepeatInterval = TimeSpan.FromHours(4);

    /// <summary>The group-by names that are not labels.</summary>
    public static readonly IReadOnlyList<string> GroupFields = ["rule", "agent", "severity", "metric", "target"];

    /// <summary>Headers the manager sets itself.</summary>
    private static readonly string[] ReservedHeaders = ["host", "content-type", "content-length", "transfer-encoding", "connection", "user-agent"];

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$")]
    private static partial Regex HeaderNamePattern();

    /// <summary>Why <paramref name="receiver"/> cannot be used (each problem with what to do), or null when it is valid.</summary>
    public static string? Problem(Receiver receiver)
    {
        if (receiver is null)
        {
            return "Send a receiver: a name with a webhook or an email section.";
        }

        if (!NamePattern().IsMatch(receiver.Name ?? ""))
        {
            return $"name '{receiver.Name}' must be 1 to 64 letters, digits, '.', '_' or '-'.";
        }

        if ((receiver.Webhook is null) == (receiver.Email is null))
        {
            return $"receiver '{receiver.Name}' needs exactly one of webhook (url, …) and email (host, from, to, …).";
        }

        return (receiver.Webhook is { } webhook ? WebhookProblem(webhook) : EmailProblem(receiver.Email!)) is { } problem
            ? $"receiver '{receiver.Name}': {problem}"
            : RouteProblem(receiver.Route) is { } routeProblem ? $"receiver '{receiver.Name}': route: {routeProblem}" : null;
    }

    private static string? WebhookProblem(WebhookReceiver webhook)
    {
        if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return $"webhook url '{webhook.Url}' is not an https:// URL.";
        }

        if (url.UserInfo.Length > 0)
        {
            return "webhook url must not carry a user name or password (the API would show them); put a token in headers, whose values are kept secret.";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url) && !webhook.AllowInsecureUrl)
        {
            return $"webhook url '{webhook.Url}' is plain HTTP to another machine: use https://, or set allowInsecureUrl: true to accept sending alerts (and any header tokens) unencrypted.";
        }

        if (webhook.SigningKey is { Length: > 1024 })
        {
            return "signingKey must be at most 1024 characters.";
        }

        if (webhook.Headers is { } headers)
        {
            if (headers.Count > 20)
            {
                return "at most 20 headers.";
            }

            foreach (var (name, value) in headers)
            {
                if (!HeaderNamePattern().IsMatch(name ?? "") || ReservedHeaders.Contains(name!.ToLowerInvariant())
                    || name.StartsWith("X-Monitoring-", StringComparison.OrdinalIgnoreCase))
                {
                    return $"header '{name}' is not a header name the manager lets you set (a token of letters, digits and -; not Host, Content-Type, Content-Length or X-Monitoring-*).";
                }

                if (value is null || value.Length > 4096 || value.Any(c => c is '\r' or '\n' or '\0'))
                {
                    return $"header '{name}' needs a value of at most 4096 characters on one line.";
                }
            }
        }

        return null;
    }

    private static string? EmailProblem(EmailReceiver email)
    {
        if (string.IsNullOrWhiteSpace(email.Host) || email.Host.Length > 253 || Uri.CheckHostName(email.Host) == UriHostNameType.Unknown)
        {
            return $"email host '{email.Host}' is not a host name or address.";
        }

        if (email.Port is < 1 or > 65535)
        {
            return $"email port {email.Port} is not from 1 to 65535.";
        }

        if (!Enum.IsDefined(email.Security))
        {
            return "email security is starttls, tls or none.";
        }

        if (email.CertificateThumbprint is { } pin && !IsHexPin(pin))
        {
            return "email certificateThumbprint is the SHA-256 of the server's public key or certificate: 64 hex digits.";
        }

        if (email.Username is { Length: > 256 } || email.Password is { Length: > 1024 })
        {
            return "email username is at most 256 characters and password at most 1024.";
        }

        if (email.Security == SmtpSecurity.None && !string.IsNullOrEmpty(email.Username) && !IsLoopbackHost(email.Host))
        {
            return "email security none would send the password unencrypted to another machine: use starttls or tls.";
        }

        if (!IsAddress(email.From))
        {
            return $"email from '{email.From}' is not an email address.";
        }

        if (email.To is not { Count: > 0 and <= 50 } || email.To.Any(a => !IsAddress(a)))
        {
            return "email to needs 1 to 50 email addresses.";
        }

        return null;
    }

    private static string? RouteProblem(NotificationRoute? route)
    {
        if (route is null)
        {
            return null;
        }

        if (route.Severities?.Any(s => !Enum.IsDefined(s)) == true)
        {
            return "severities are info, warning and critical.";
        }

        if (route.Agents is { Length: > 256 })
        {
            return "agents is one pattern of at most 256 characters.";
        }

        if (route.Labels is { } labels && (labels.Count > 20 || labels.Any(l => string.IsNullOrEmpty(l.Key) || l.Key.Length > 64 || l.Value is null || l.Value.Length > 256)))
        {
            return "labels: at most 20, each a name of up to 64 characters with a pattern of up to 256.";
        }

        if (route.GroupBy is { } groupBy && (groupBy.Count > 5 || groupBy.Any(g => string.IsNullOrWhiteSpace(g) || g.Length > 64)))
        {
            return "groupBy: at most 5 names (rule, agent, severity, metric, target or a label's name).";
        }

        return Seconds(route.GroupWaitSeconds, 0, 3600, "groupWait")
            ?? Seconds(route.GroupIntervalSeconds, 1, 86_400, "groupInterval")
            ?? Seconds(route.RepeatIntervalSeconds, 1, 90 * 86_400, "repeatInterval");
    }

    private static string? Seconds(double? value, double min, double max, string name) =>
        value is { } v && (double.IsNaN(v) || v < min || v > max) ? $"{name} must be from {min} to {max} seconds." : null;

    private static bool IsHexPin(string pin) =>
        pin.Replace(":", "").Length == 64 && pin.Replace(":", "").All(Uri.IsHexDigit);

    private static bool IsAddress(string? address) =>
        !string.IsNullOrWhiteSpace(address) && address.Length <= 320 && MimeKit.MailboxAddress.TryParse(address, out var parsed) && parsed.Address.Contains('@');

    public static bool IsLoopback(Uri url) => IsLoopbackHost(url.Host);

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>A replacement that left secrets out keeps the stored ones ("" removes them).</summary>
    public static Receiver KeepSecrets(Receiver incoming, Receiver? stored)
    {
        if (incoming.Webhook is { } webhook)
        {
            var old = stored?.Webhook;
            incoming = incoming with
            {
                Webhook = webhook with
                {
                    SigningKey = webhook.SigningKey is null ? old?.SigningKey : webhook.SigningKey.Length == 0 ? null : webhook.SigningKey,
                    Headers = webhook.Headers ?? old?.Headers,
                    SigningKeySet = false,
                    HeaderNames = null,
                },
            };
        }

        if (incoming.Email is { } email)
        {
            var old = stored?.Email;
            incoming = incoming with
            {
                Email = email with
                {
                    Password = email.Password is null ? old?.Password : email.Password.Length == 0 ? null : email.Password,
                    PasswordSet = false,
                },
            };
        }

        return incoming with { Source = null, Status = null };
    }

    /// <summary>What the API shows: no secret, only whether one is set.</summary>
    public static Receiver WithoutSecrets(Receiver receiver, string source, ReceiverStatus? status) => receiver with
    {
        Webhook = receiver.Webhook is { } w
            ? w with { SigningKey = null, SigningKeySet = !string.IsNullOrEmpty(w.SigningKey), Headers = null, HeaderNames = w.Headers?.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList() }
            : null,
        Email = receiver.Email is { } e ? e with { Password = null, PasswordSet = !string.IsNullOrEmpty(e.Password) } : null,
        Source = source,
        Status = status,
    };
}
