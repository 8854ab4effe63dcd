using System.Text.Json;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

/// <summary>The notification outbox of a manager process that is killed (SIGKILL) at the worst moments.</summary>
public sealed class NotificationTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly Fleet _fleet = new();
    private readonly TestWebhookReceiver _hook = new();

    public void Dispose()
    {
        _fleet.Dispose();
        _hook.Dispose();
    }

    private static AlertTransition Alert(AlertState state) => new()
    {
        Fingerprint = "disk-full:/", Rule = "disk-full", State = state, Severity = AlertSeverity.Critical, Metric = "disk.percent", Target = "/",
        Value = 97, Threshold = 95, Timestamp = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task AManagerKilledBetweenAnAlertAndItsMessage_OrDuringDelivery_SendsItAfterTheRestart()
    {
        var config = _fleet.WriteConfig("manager.yaml", $"""
            notifications:
              receivers:
                - name: chat
                  webhook:
                    url: {_hook.Url}
                  route:
                    groupWait: 5s
                    groupInterval: 1s
            """);
        var manager = await _fleet.StartManagerAsync("--config", config);
        var agent = new AgentConnection(new ManagerConnectionOptions
        {
            BaseAddress = new Uri(_fleet.ManagerUrl), CertificateThumbprint = _fleet.Admin.CertificateThumbprint, MaxRetryAttempts = 0,
        });
        agent.Token = (await agent.RegisterAsync(new RegisterRequest { AgentId = "db1", IntervalSeconds = 10 }, File.ReadAllText(Path.Combine(_fleet.DataDir, "enrollment.token")).Trim())).AgentToken;

        // 1. The alert is acknowledged (so stored with its place in the group), and the manager dies within the group wait.
        await agent.SendAlertsAsync("db1", [Alert(AlertState.Firing)]);
        await manager.KillAsync();
        Assert.Empty(_hook.Requests);
        manager = await _fleet.StartManagerAsync("--config", config);
        var firing = await _hook.WaitForAsync(r => r.Text.Contains("\"status\":\"firing\"", StringComparison.Ordinal), Deadline, "the firing message after the restart");

        // 2. The resolve's message is made, its delivery fails, and the manager dies before it succeeds.
        _hook.FailFirst = int.MaxValue;
        await agent.SendAlertsAsync("db1", [Alert(AlertState.Resolved)]);
        using (var admin = _fleet.AdminClient())
        {
            await TestNet.WaitUntilAsync(
                async () => (await admin.GetNotificationsAsync("chat", NotificationStatus.Pending)).Any(n => n.Attempts.Count > 0), Deadline, "a failed delivery of the resolve");
        }

        await manager.KillAsync();
        _hook.FailFirst = 0;
        await _fleet.StartManagerAsync("--config", config);
        var resolved = await _hook.WaitForAsync(r => r.Text.Contains("\"status\":\"resolved\"", StringComparison.Ordinal), Deadline, "the resolved message after the restart");

        using var after = _fleet.AdminClient();
        var records = await after.GetNotificationsAsync("chat");
        Assert.Equal([NotificationStatus.Sent, NotificationStatus.Sent], records.Select(r => r.Status));
        Assert.Equal(records[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), resolved.Headers["X-Monitoring-Delivery"]);
        Assert.All(_hook.Requests.Where(r => !r.Accepted), r => Assert.Equal(resolved.Headers["X-Monitoring-Delivery"], r.Headers["X-Monitoring-Delivery"]));
        Assert.Equal(2, _hook.Accepted.Count);
        Assert.Equal("db1", JsonDocument.Parse(firing.Body).RootElement.GetProperty("alerts")[0].GetProperty("labels").GetProperty("agent").GetString());
    }

    [Fact]
    public async Task AManagerYamlWithSecretsThatOthersMayRead_IsWarnedAbout()
    {
        var config = _fleet.WriteConfig("manager.yaml", """
            notifications:
              receivers:
                - name: mail
                  email: { host: smtp.example.com, username: alerts, password: yaml-secret, from: a@example.com, to: [b@example.com] }
            """);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var readable = await _fleet.StartManagerAsync("--config", config);
        await readable.StopAsync(TimeSpan.FromSeconds(30));
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var ownerOnly = await _fleet.StartManagerAsync("--config", config);

        Assert.Contains("holds notification secrets", readable.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("holds notification secrets", ownerOnly.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("yaml-secret", readable.Output + ownerOnly.Output, StringComparison.Ordinal);
    }
}
