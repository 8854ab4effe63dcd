using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Notifications;

/// <summary>Email notifications from a real manager through a real SMTP server (aiosmtpd) with TLS and authentication.</summary>
public sealed class EmailNotificationTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private static Receiver Mail(TestSmtpServer smtp, SmtpSecurity security, string password = TestSmtpServer.Password, bool pinned = true) => new()
    {
        Name = "ops-mail",
        Email = new EmailReceiver
        {
            Host = "127.0.0.1", Port = smtp.Port, Security = security, CertificateThumbprint = pinned ? smtp.Pin : null,
            Username = TestSmtpServer.User, Password = password, From = "Monitoring <monitoring@example.com>", To = ["ops@example.com", "oncall@example.com"],
        },
        Route = new NotificationRoute { GroupWaitSeconds = 0 },
    };

    private static AlertTransition CpuHigh => new()
    {
        Fingerprint = "cpu-high", Rule = "cpu-high", State = AlertState.Firing, Severity = AlertSeverity.Critical, Metric = "cpu.percent", Value = 97.5, Threshold = 90,
        Timestamp = DateTimeOffset.UtcNow, Since = DateTimeOffset.UtcNow.AddMinutes(-7), Message = "CPU above 90 % for 5 minutes",
    };

    [Theory]
    [InlineData("starttls", SmtpSecurity.StartTls)]
    [InlineData("tls", SmtpSecurity.Tls)]
    public async Task AnAlert_ArrivesAsAnEmail_NamingAgentRuleValueThresholdDurationAndTheDashboardLink(string mode, SmtpSecurity security)
    {
        using var smtp = await TestSmtpServer.StartAsync(mode);
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Mail(smtp, security));
        var (web1, _) = await _manager.EnrollAsync("web1");

        await web1.SendAlertsAsync("web1", [CpuHigh]);
        var (message, envelope) = await smtp.WaitForMessageAsync(Deadline);
        NotificationRecord? record = null;
        await TestNet.WaitUntilAsync(async () => (record = (await admin.GetNotificationsAsync("ops-mail")).FirstOrDefault())?.Status == NotificationStatus.Sent, Deadline, "the email to be recorded as sent");

        Assert.Contains("\"tls\": true", envelope, StringComparison.Ordinal);
        Assert.Contains("\"to\": [\"ops@example.com\", \"oncall@example.com\"]", envelope, StringComparison.Ordinal);
        Assert.Equal("monitoring@example.com", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal(["ops@example.com", "oncall@example.com"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("[FIRING:1] cpu-high on web1", message.Subject);
        Assert.Equal(record!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Headers["X-Monitoring-Delivery"]);
        var link = _manager.Url.GetLeftPart(UriPartial.Authority) + "/#/agent/web1";
        foreach (var body in new[] { message.TextBody, message.HtmlBody })
        {
            Assert.NotNull(body);
            foreach (var expected in new[] { "web1", "cpu-high", "critical", "97.5", "90", "7m", "CPU above 90 % for 5 minutes", link })
            {
                Assert.Contains(expected, body, StringComparison.Ordinal);
            }
        }

        Assert.Contains("<a href=\"" + link + "\">web1</a>", message.HtmlBody, StringComparison.Ordinal);
        Assert.StartsWith("SMTP 250", Assert.Single(record.Attempts).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPassword_ShowsTheReceiverFailing_WithTheServersReply()
    {
        using var smtp = await TestSmtpServer.StartAsync("starttls");
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Mail(smtp, SmtpSecurity.StartTls, password: "wrong"));
        var (web1, _) = await _manager.EnrollAsync("web1");

        await web1.SendAlertsAsync("web1", [CpuHigh]);
        Receiver? receiver = null;
        await TestNet.WaitUntilAsync(async () => (receiver = await admin.GetReceiverAsync("ops-mail")).Status!.State == ReceiverState.Failing, Deadline, "the receiver to fail");

        Assert.Contains("refused the user name or password", receiver!.Status!.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", receiver.Status.LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public async Task ASelfSignedServer_IsRefusedWithoutItsPin_AndTheTestSaysWhatToSet()
    {
        using var smtp = await TestSmtpServer.StartAsync("starttls");
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Mail(smtp, SmtpSecurity.StartTls, pinned: false));

        var unpinned = await admin.TestReceiverAsync("ops-mail");
        await admin.SetReceiverAsync(Mail(smtp, SmtpSecurity.StartTls) with { Email = Mail(smtp, SmtpSecurity.StartTls).Email! with { Password = null } });
        var pinned = await admin.TestReceiverAsync("ops-mail");

        Assert.False(unpinned.Succeeded);
        Assert.Contains("certificateThumbprint", unpinned.Detail, StringComparison.Ordinal);
        Assert.True(pinned.Succeeded, pinned.Detail);
        Assert.Equal("[FIRING:1] test on monitoring-manager", Assert.Single(smtp.Messages()).Message.Subject);
    }
}
