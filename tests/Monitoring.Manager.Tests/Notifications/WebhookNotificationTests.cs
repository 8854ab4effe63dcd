using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Notifications;

/// <summary>Webhook notifications from a real manager to a real HTTP receiver on loopback.</summary>
public sealed class WebhookNotificationTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TestWebhookReceiver _hook = new();
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync(
        "--rateLimits:enrollmentsPerMinutePerAddress", "1000", "--offline-alert-grace", "0s", "--offline-after", "2");

    public async Task DisposeAsync()
    {
        await _manager.DisposeAsync();
        _hook.Dispose();
    }

    private static AlertTransition Alert(string rule, AlertState state = AlertState.Firing, AlertSeverity severity = AlertSeverity.Critical) => new()
    {
        Fingerprint = rule, Rule = rule, State = state, Severity = severity, Metric = "cpu.percent", Value = 97.5, Threshold = 90,
        Timestamp = DateTimeOffset.UtcNow, Since = DateTimeOffset.UtcNow.AddMinutes(-5), DurationSeconds = state == AlertState.Resolved ? 300 : null,
        Labels = new Dictionary<string, string> { ["team"] = "web" },
    };

    private Receiver Hook(string name, NotificationRoute? route = null, string? url = null) =>
        new() { Name = name, Webhook = new WebhookReceiver { Url = url ?? _hook.Url }, Route = route ?? new NotificationRoute { GroupWaitSeconds = 0 } };

    private static async Task<NotificationRecord> SettledAsync(ManagerClient admin, string receiver, NotificationStatus status)
    {
        NotificationRecord? record = null;
        await TestNet.WaitUntilAsync(
            async () => (record = (await admin.GetNotificationsAsync(receiver)).FirstOrDefault(n => n.Status == status)) is not null, Deadline, $"a {status} notification for {receiver}");
        return record!;
    }

    [Fact]
    public async Task AWebhook_GetsAlertmanagersPayload_SignedWithItsHeaders_AfterTwoFailedAttempts()
    {
        _hook.FailFirst = 2;
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Hook("chat") with
        {
            Webhook = new WebhookReceiver { Url = _hook.Url, SigningKey = "s3cret-key", Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer hook-token" } },
        });
        var (web1, _) = await _manager.EnrollAsync("web1");

        await web1.SendAlertsAsync("web1", [Alert("cpu-high")]);
        var delivered = await _hook.WaitForAsync(_ => true, Deadline, "the webhook to accept a notification");
        var record = await SettledAsync(admin, "chat", NotificationStatus.Sent);

        Assert.Equal(3, _hook.Requests.Count);
        Assert.Single(_hook.Requests.Select(r => r.Headers["X-Monitoring-Delivery"]).Distinct());
        Assert.Equal(record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), delivered.Headers["X-Monitoring-Delivery"]);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret-key"u8.ToArray(), delivered.Body)), delivered.Headers["X-Monitoring-Signature-256"]);
        Assert.Equal("Bearer hook-token", delivered.Headers["Authorization"]);
        Assert.StartsWith("application/json", delivered.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(["HTTP 500 Internal Server Error", "HTTP 500 Internal Server Error", "HTTP 200 OK"], record.Attempts.Select(a => a.Detail.Split(':')[0]));
        Assert.Equal([false, false, true], record.Attempts.Select(a => a.Succeeded));

        using var payload = JsonDocument.Parse(delivered.Body);
        var root = payload.RootElement;
        Assert.Equal("4", root.GetProperty("version").GetString());
        Assert.Equal("firing", root.GetProperty("status").GetString());
        Assert.Equal("chat", root.GetProperty("receiver").GetString());
        Assert.Equal("cpu-high", root.GetProperty("groupLabels").GetProperty("rule").GetString());
        Assert.Equal(_manager.Url.GetLeftPart(UriPartial.Authority), root.GetProperty("externalURL").GetString());
        var alert = Assert.Single(root.GetProperty("alerts").EnumerateArray());
        Assert.Equal("firing", alert.GetProperty("status").GetString());
        var labels = alert.GetProperty("labels");
        Assert.Equal(("cpu-high", "web1", "critical", "cpu.percent", "web"),
            (labels.GetProperty("alertname").GetString(), labels.GetProperty("agent").GetString(), labels.GetProperty("severity").GetString(),
             labels.GetProperty("metric").GetString(), labels.GetProperty("team").GetString()));
        Assert.Equal(("97.5", "90"), (alert.GetProperty("annotations").GetProperty("value").GetString(), alert.GetProperty("annotations").GetProperty("threshold").GetString()));
        Assert.EndsWith("/#/agent/web1", alert.GetProperty("generatorURL").GetString(), StringComparison.Ordinal);
        Assert.True(alert.GetProperty("startsAt").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddMinutes(-4));
        Assert.Equal("web", root.GetProperty("commonLabels").GetProperty("team").GetString());
    }

    [Fact]
    public async Task FiftyAgentsCrossingTogether_GetOneMessageListingThemAll()
    {
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Hook("fleet", new NotificationRoute { GroupWaitSeconds = 5 }));
        var agents = new List<(string Id, AgentConnection Connection)>();
        for (var i = 0; i < 50; i++)
        {
            agents.Add(("node" + i, (await _manager.EnrollAsync("node" + i)).Connection));
        }

        await Task.WhenAll(agents.Select(a => a.Connection.SendAlertsAsync(a.Id, [Alert("disk-full")])));
        var delivered = await _hook.WaitForAsync(_ => true, Deadline, "the fleet's message");
        await SettledAsync(admin, "fleet", NotificationStatus.Sent);

        using var payload = JsonDocument.Parse(delivered.Body);
        Assert.Equal(
            agents.Select(a => a.Id).Order(StringComparer.Ordinal),
            payload.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("labels").GetProperty("agent").GetString()!).Order(StringComparer.Ordinal));
        Assert.Single(await admin.GetNotificationsAsync("fleet"));
        Assert.Single(_hook.Requests);
    }

    [Fact]
    public async Task ASilence_KeepsItsAlertsOutOfMessages_AndResolvedAlertsAreReported()
    {
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Hook("ops", new NotificationRoute { GroupWaitSeconds = 0, GroupIntervalSeconds = 1 }));
        await admin.AddSilenceAsync("web*", null, DateTimeOffset.UtcNow.AddHours(1), "patching");
        var (web1, _) = await _manager.EnrollAsync("web1");
        var (db1, _) = await _manager.EnrollAsync("db1");

        await web1.SendAlertsAsync("web1", [Alert("cpu-high")]);
        await db1.SendAlertsAsync("db1", [Alert("cpu-high")]);
        var firing = await _hook.WaitForAsync(r => r.Text.Contains("\"db1\"", StringComparison.Ordinal), Deadline, "db1's alert");
        await db1.SendAlertsAsync("db1", [Alert("cpu-high", AlertState.Resolved)]);
        await web1.SendAlertsAsync("web1", [Alert("cpu-high", AlertState.Resolved)]);
        var resolved = await _hook.WaitForAsync(r => r.Text.Contains("\"status\":\"resolved\"", StringComparison.Ordinal), Deadline, "db1's resolve");

        Assert.DoesNotContain(_hook.Requests, r => r.Text.Contains("web1", StringComparison.Ordinal));
        Assert.Equal("firing", JsonDocument.Parse(firing.Body).RootElement.GetProperty("status").GetString());
        var ended = Assert.Single(JsonDocument.Parse(resolved.Body).RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal(("db1", "resolved"), (ended.GetProperty("labels").GetProperty("agent").GetString(), ended.GetProperty("status").GetString()));
        Assert.True(ended.GetProperty("endsAt").GetDateTimeOffset() > ended.GetProperty("startsAt").GetDateTimeOffset());
        Assert.All(await admin.GetAlertsAsync("web1"), a => Assert.True(a.Silenced));
    }

    [Fact]
    public async Task Routes_ChooseReceiversBySeverityAgentAndLabels_AndGroupByTheirFields()
    {
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Hook("pager", new NotificationRoute { GroupWaitSeconds = 0, Severities = [AlertSeverity.Critical], Agents = "db*" }));
        await admin.SetReceiverAsync(Hook("web-team", new NotificationRoute
        {
            GroupWaitSeconds = 0, Labels = new Dictionary<string, string> { ["team"] = "w*" }, GroupBy = ["agent", "severity"],
        }));
        var (web1, _) = await _manager.EnrollAsync("web1");
        var (db1, _) = await _manager.EnrollAsync("db1");

        await web1.SendAlertsAsync("web1", [Alert("cpu-high", severity: AlertSeverity.Warning)]);
        await db1.SendAlertsAsync("db1", [Alert("cpu-high") with { Labels = null }]);
        await SettledAsync(admin, "pager", NotificationStatus.Sent);
        await SettledAsync(admin, "web-team", NotificationStatus.Sent);

        var pager = Assert.Single(await admin.GetNotificationsAsync("pager"));
        var web = Assert.Single(await admin.GetNotificationsAsync("web-team"));
        Assert.Equal(await AlertIdAsync(admin, "db1"), Assert.Single(pager.AlertIds));
        Assert.Equal(await AlertIdAsync(admin, "web1"), Assert.Single(web.AlertIds));
        Assert.Equal("{\"agent\":\"web1\",\"severity\":\"warning\"}", web.GroupKey);
    }

    private static async Task<long> AlertIdAsync(ManagerClient admin, string agent) => Assert.Single(await admin.GetAlertsAsync(agent)).Id;

    [Fact]
    public async Task AnOfflineAgent_IsNotifiedThroughTheSameRoutes()
    {
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Hook("ops", new NotificationRoute { GroupWaitSeconds = 0, Agents = "gone*" }));
        var (gone, _) = await _manager.EnrollAsync("gone1", intervalSeconds: 1);
        await gone.ReportAsync("gone1", [TestManager.Snapshot(1)]);

        var delivered = await _hook.WaitForAsync(r => r.Text.Contains("agent-offline", StringComparison.Ordinal), Deadline, "the offline alert's message");

        var alert = Assert.Single(JsonDocument.Parse(delivered.Body).RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal(("agent-offline", "gone1"), (alert.GetProperty("labels").GetProperty("alertname").GetString(), alert.GetProperty("labels").GetProperty("agent").GetString()));
    }

    [Fact]
    public async Task AReceiverThatKeepsFailing_IsShownFailing_WithoutHoldingUpTheOthers()
    {
        using var admin = _manager.AdminClient();
        var closed = TestNet.FreePort();
        await admin.SetReceiverAsync(Hook("down", url: $"http://127.0.0.1:{closed}/hook"));
        await admin.SetReceiverAsync(Hook("up"));
        var (web1, _) = await _manager.EnrollAsync("web1");

        await web1.SendAlertsAsync("web1", [Alert("cpu-high")]);
        await _hook.WaitForAsync(_ => true, Deadline, "the working receiver's message");
        Receiver? down = null;
        await TestNet.WaitUntilAsync(
            async () => (down = await admin.GetReceiverAsync("down")).Status?.State == ReceiverState.Failing, Deadline, "the broken receiver to show failing");

        Assert.Equal((1, 3), (down!.Status!.Pending, down.Status.ConsecutiveFailures));
        Assert.Contains("cannot reach http://127.0.0.1:" + closed + "/hook", down.Status.LastError, StringComparison.Ordinal);
        Assert.Equal(ReceiverState.Ok, (await admin.GetReceiverAsync("up")).Status!.State);
        var pending = Assert.Single(await admin.GetNotificationsAsync("down", NotificationStatus.Pending));
        Assert.True(pending.NextAttemptAt > DateTimeOffset.UtcNow.AddSeconds(10));
        using var http = _manager.Http(_manager.Admin.Token);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("monitoring_notification_receiver_failing{receiver=\"down\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("monitoring_notification_receiver_failing{receiver=\"up\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("monitoring_notification_attempts_total{receiver=\"down\",outcome=\"failed\"} 3", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestReceiver_SendsOnce_AndSaysWhatTheReceiverAnswered()
    {
        using var admin = _manager.AdminClient();
        await admin.SetReceiverAsync(Hook("chat"));

        var ok = await admin.TestReceiverAsync("chat");
        _hook.FailFirst = int.MaxValue;
        var failed = await admin.TestReceiverAsync("chat");
        var missing = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.TestReceiverAsync("nobody"));

        Assert.Equal((true, "HTTP 200 OK"), (ok.Succeeded, ok.Detail));
        Assert.False(failed.Succeeded);
        Assert.StartsWith("HTTP 500", failed.Detail, StringComparison.Ordinal);
        Assert.Contains("test notification", Encoding.UTF8.GetString(_hook.Requests.First().Body), StringComparison.Ordinal);
        Assert.Equal(2, _hook.Requests.Count);
        Assert.Equal((404, ErrorCodes.ReceiverNotFound), (missing.StatusCode, missing.Code));
    }
}
