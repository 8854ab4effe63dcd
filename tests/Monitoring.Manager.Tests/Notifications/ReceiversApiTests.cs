using Monitoring.Client;
using Monitoring.Configuration;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Notifications;

/// <summary>Receivers through the API and manager.yaml: validation with clear messages, secrets kept and never returned.</summary>
public sealed class ReceiversApiTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Theory]
    [InlineData("http://hooks.example.com/alerts", "allowInsecureUrl")]
    [InlineData("https://user:pass@hooks.example.com/alerts", "headers")]
    [InlineData("ftp://hooks.example.com/alerts", "https://")]
    [InlineData("not a url", "https://")]
    public async Task AnUnsafeOrBrokenUrl_IsRefused_WithWhatToDo(string url, string advice)
    {
        using var admin = _manager.AdminClient();

        var refused = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SetReceiverAsync(new Receiver { Name = "hook", Webhook = new WebhookReceiver { Url = url } }));

        Assert.Equal((400, ErrorCodes.InvalidRequest), (refused.StatusCode, refused.Code));
        Assert.Contains(advice, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await admin.GetReceiversAsync());
    }

    [Fact]
    public async Task PlainHttpToAnotherMachine_IsAcceptedOnlyWhenAllowed()
    {
        using var admin = _manager.AdminClient();

        var saved = await admin.SetReceiverAsync(new Receiver { Name = "lan", Webhook = new WebhookReceiver { Url = "http://10.1.2.3/hook", AllowInsecureUrl = true } });

        Assert.True(saved.Webhook!.AllowInsecureUrl);
        Assert.Equal("api", saved.Source);
    }

    [Fact]
    public async Task Secrets_AreNeverReturned_AndAReplacementThatLeavesThemOutKeepsThem()
    {
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(new Receiver
        {
            Name = "chat",
            Webhook = new WebhookReceiver { Url = "https://chat.example.com/hook", SigningKey = "signing-secret-1", Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer header-secret-2" } },
        });
        await admin.SetReceiverAsync(new Receiver
        {
            Name = "mail",
            Email = new EmailReceiver { Host = "smtp.example.com", Username = "alerts", Password = "smtp-secret-3", From = "monitoring@example.com", To = ["ops@example.com"] },
        });
        using var http = _manager.Http(_manager.Admin.Token);

        var listed = await http.GetStringAsync(ApiRoutes.Receivers);
        var chat = await admin.GetReceiverAsync("chat");
        var replaced = await admin.SetReceiverAsync(chat with { Webhook = chat.Webhook! with { Url = "https://chat.example.com/v2" } });
        var cleared = await admin.SetReceiverAsync(replaced with { Webhook = replaced.Webhook! with { SigningKey = "" } });

        Assert.DoesNotContain("secret", listed, StringComparison.Ordinal);
        Assert.Contains("\"passwordSet\":true", listed, StringComparison.Ordinal);
        Assert.True(chat.Webhook!.SigningKeySet);
        Assert.Equal(["Authorization"], chat.Webhook.HeaderNames);
        Assert.Null(chat.Webhook.SigningKey);
        Assert.Null(chat.Webhook.Headers);
        Assert.Equal(("https://chat.example.com/v2", true, "Authorization"), (replaced.Webhook!.Url, replaced.Webhook.SigningKeySet, replaced.Webhook.HeaderNames!.Single()));
        Assert.False(cleared.Webhook!.SigningKeySet);
        Assert.Equal(ReceiverState.Idle, cleared.Status!.State);
        // The secrets live in the database, which only the manager's user may read.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_manager.DataDir, Monitoring.Manager.Storage.SqliteDatabase.FileName)));
    }

    [Fact]
    public async Task AnEmailReceiver_IsChecked_AndNeverSendsAPasswordUnencrypted()
    {
        using var admin = _manager.AdminClient();
        Receiver Mail(EmailReceiver email) => new() { Name = "mail", Email = email };
        var valid = new EmailReceiver { Host = "smtp.example.com", From = "monitoring@example.com", To = ["ops@example.com"] };

        var plain = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SetReceiverAsync(Mail(valid with { Security = SmtpSecurity.None, Username = "u", Password = "p" })));
        var badTo = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SetReceiverAsync(Mail(valid with { To = ["not an address"] })));
        var both = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SetReceiverAsync(Mail(valid) with { Webhook = new WebhookReceiver { Url = "https://x.example.com" } }));
        var saved = await admin.SetReceiverAsync(Mail(valid with { Security = SmtpSecurity.Tls }));

        Assert.Contains("unencrypted", plain.Message, StringComparison.Ordinal);
        Assert.Contains("email to", badTo.Message, StringComparison.Ordinal);
        Assert.Contains("exactly one of webhook", both.Message, StringComparison.Ordinal);
        Assert.Equal(SmtpSecurity.Tls, saved.Email!.Security);
    }

    [Fact]
    public async Task RemovingAReceiver_DropsIt_AndAnUnknownOneIs404()
    {
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(new Receiver { Name = "chat", Webhook = new WebhookReceiver { Url = "https://chat.example.com/hook" } });

        await admin.RemoveReceiverAsync("chat");
        var again = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.RemoveReceiverAsync("chat"));

        Assert.Empty(await admin.GetReceiversAsync());
        Assert.Equal((404, ErrorCodes.ReceiverNotFound), (again.StatusCode, again.Code));
    }

    [Fact]
    public async Task ReceiversOfManagerYaml_AreListed_AndReadOnlyThroughTheApi()
    {
        var dir = Directory.CreateTempSubdirectory("monitoring-manager-").FullName;
        var config = Path.Combine(dir, "manager.yaml");
        File.WriteAllText(config, """
            notifications:
              externalUrl: https://monitoring.example.com:5000/
              receivers:
                - name: ops-mail
                  email:
                    host: smtp.example.com
                    port: 587
                    username: alerts
                    password: yaml-secret
                    from: monitoring@example.com
                    to: [ops@example.com, oncall@example.com]
                  route:
                    severities: [critical]
                    groupWait: 10s
                    repeatInterval: 1h
            """);
        Receiver mail;
        MonitoringApiException readOnly, notRemoved;
        await using (var manager = await TestManager.StartInAsync(Path.Combine(dir, "data"), false, "--config", config))
        {
            using var admin = manager.AdminClient();
            mail = Assert.Single(await admin.GetReceiversAsync());
            readOnly = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SetReceiverAsync(mail));
            notRemoved = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.RemoveReceiverAsync("ops-mail"));
        }

        Assert.Equal(("ops-mail", "config", true, null), (mail.Name, mail.Source, mail.Email!.PasswordSet, mail.Email.Password));
        Assert.Equal(["ops@example.com", "oncall@example.com"], mail.Email.To);
        Assert.Equal((10.0, 3600.0, AlertSeverity.Critical), (mail.Route!.GroupWaitSeconds, mail.Route.RepeatIntervalSeconds, mail.Route.Severities!.Single()));
        Assert.Equal((409, ErrorCodes.ReceiverReadOnly), (readOnly.StatusCode, readOnly.Code));
        Assert.Contains("manager.yaml", readOnly.Message, StringComparison.Ordinal);
        Assert.Equal(409, notRemoved.StatusCode);
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("  - name: x\n    webhook:\n      url: http://example.com/hook\n", "allowInsecureUrl", 3)]
    [InlineData("  - name: x\n    webhook:\n      url: https://example.com/hook\n      timeout: 5s\n", "unknown receiver key 'webhook:timeout'", 6)]
    [InlineData("  - name: x\n    email:\n      host: smtp.example.com\n      security: ssl\n      from: a@example.com\n      to: b@example.com\n", "'ssl' is not starttls, tls or none", 6)]
    public async Task ABadReceiverInManagerYaml_StopsTheStart_PointingAtTheLine(string receivers, string message, int line)
    {
        var dir = Directory.CreateTempSubdirectory("monitoring-manager-").FullName;
        var config = Path.Combine(dir, "manager.yaml");
        File.WriteAllText(config, "notifications:\n receivers:\n" + string.Join("\n", receivers.Split('\n').Select(l => l.Length > 0 ? " " + l : l)));

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => ManagerApp.CreateAsync(["--config", config, "--data-dir", Path.Combine(dir, "data")]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
        Directory.Delete(dir, recursive: true);
    }
}
