using System.Text;

namespace Monitoring.Tests;

/// <summary>One request a <see cref="TestWebhookReceiver"/> got.</summary>
internal sealed record WebhookRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool Accepted)
{
    public string Text => Encoding.UTF8.GetString(Body);
}
