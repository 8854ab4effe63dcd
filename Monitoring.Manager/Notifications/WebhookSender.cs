using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// POSTs notifications to webhook receivers: Alertmanager's JSON, <c>X-Monitoring-Delivery</c> (the outbox id, the
/// same on every retry), <c>X-Monitoring-Signature-256: sha256=HEX</c> (HMAC-SHA256 of the body) when a signing key
/// is set, and the receiver's own headers. Redirects are not followed: the manager posts alerts only where it was told.
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = Timeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    })
    {
        Timeout = Timeout,
    };

    /// <summary>Sends the body; returns what the receiver answered, or throws <see cref="NotificationDeliveryException"/>.</summary>
    public async Task<string> SendAsync(WebhookReceiver webhook, byte[] body, long deliveryId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("Monitoring-Manager/1");
        request.Headers.TryAddWithoutValidation("X-Monitoring-Delivery", deliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (webhook.SigningKey is { Length: > 0 } key)
        {
            var signature = HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key), body);
            request.Headers.TryAddWithoutValidation("X-Monitoring-Signature-256", "sha256=" + Convert.ToHexStringLower(signature));
        }

        foreach (var (name, value) in webhook.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
            if (response.IsSuccessStatusCode)
            {
                return status;
            }

            if ((int)response.StatusCode is >= 300 and < 400)
            {
                throw new NotificationDeliveryException(
                    $"{status}: a redirect to {response.Headers.Location?.ToString() ?? "(no Location)"}; the manager does not follow redirects, so set the receiver's url to the final address.");
            }

            var text = await ReadSomeAsync(response, ct);
            throw new NotificationDeliveryException(text.Length > 0 ? $"{status}: {text}" : status);
        }
        catch (HttpRequestException ex)
        {
            throw new NotificationDeliveryException($"cannot reach {Redacted(webhook.Url)}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new NotificationDeliveryException($"{Redacted(webhook.Url)} did not answer within {Timeout.TotalSeconds:0} s.", ex);
        }
    }

    /// <summary>The URL without its query, which may hold a token.</summary>
    public static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Path) + (u.Query.Length > 0 ? "?…" : "") : url;

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var buffer = new byte[300];
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }

        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings(" ").Trim();
        return new string([.. text.Where(c => !char.IsControl(c))]);
    }

    public void Dispose() => _http.Dispose();
}
