using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Security;

public sealed class EnrollmentTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private static RegisterRequest Request(string id, Dictionary<string, string>? labels = null) =>
        new() { AgentId = id, IntervalSeconds = 10, Os = "linux", Labels = labels };

    [Fact]
    public async Task Reset_RevokesTheOldToken_AndLetsTheIdEnrollExactlyOnce()
    {
        var (old, _) = await _manager.EnrollAsync("web1");
        using var admin = _manager.AdminClient();

        var reset = await admin.ResetAgentAsync("web1");

        Assert.Equal(AgentEnrollment.Reset, reset.Enrollment);
        Assert.Equal(401, (await Assert.ThrowsAsync<MonitoringApiException>(() => old.ReportAsync("web1", [TestManager.Snapshot(1)]))).StatusCode);
        using var reinstalled = _manager.AgentConnection();
        var enrolled = await reinstalled.RegisterAsync(Request("web1"), _manager.EnrollmentToken);
        Assert.NotNull(enrolled.AgentToken);
        using var second = _manager.AgentConnection();
        var again = await Assert.ThrowsAsync<MonitoringApiException>(() => second.RegisterAsync(Request("web1"), _manager.EnrollmentToken));
        Assert.Equal(ErrorCodes.AgentExists, again.Code);
        Assert.Equal(AgentEnrollment.Active, (await admin.GetAgentAsync("web1")).Enrollment);
    }

    [Fact]
    public async Task TheSameInstallation_MayEnrollAgain_WithItsInstanceKey_ButNoOtherMachine()
    {
        using var first = _manager.AgentConnection();
        var lost = await first.RegisterAsync(new RegisterRequest { AgentId = "web1", IntervalSeconds = 10, InstanceKey = "installation-secret" }, _manager.EnrollmentToken);

        using var thief = _manager.AgentConnection();
        var refused = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            thief.RegisterAsync(new RegisterRequest { AgentId = "web1", IntervalSeconds = 10, InstanceKey = "guess" }, _manager.EnrollmentToken));
        using var retry = _manager.AgentConnection();
        var again = await retry.RegisterAsync(new RegisterRequest { AgentId = "web1", IntervalSeconds = 10, InstanceKey = "installation-secret" }, _manager.EnrollmentToken);

        Assert.Equal(ErrorCodes.AgentExists, refused.Code);
        Assert.NotEqual(lost.AgentToken, again.AgentToken);
        retry.Token = again.AgentToken;
        first.Token = lost.AgentToken;
        Assert.Equal(1, (await retry.ReportAsync("web1", [TestManager.Snapshot(1)])).Accepted);
        Assert.Equal(401, (await Assert.ThrowsAsync<MonitoringApiException>(() => first.ReportAsync("web1", [TestManager.Snapshot(2)]))).StatusCode);
    }

    [Fact]
    public async Task ReservedAndKeyNames_CannotBeAgentIds()
    {
        using var admin = _manager.AdminClient();
        await admin.CreateApiKeyAsync("ops-bot", KeyRole.Operator);
        using var connection = _manager.AgentConnection();

        foreach (var id in new[] { "admin", "ops-bot", "Manager" })
        {
            var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => connection.RegisterAsync(Request(id), _manager.EnrollmentToken));
            Assert.Equal(400, ex.StatusCode);
            Assert.Contains("reserved", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EnrollmentToken_WithPatternUsesAndLabels_IsEnforcedAndStamped()
    {
        using var admin = _manager.AdminClient();
        var token = await admin.CreateEnrollmentTokenAsync(new CreateEnrollmentTokenRequest
        {
            Name = "web-fleet", AgentIdPattern = "web-*", MaxUses = 1, Labels = new Dictionary<string, string> { ["site"] = "paris" },
        });
        using var connection = _manager.AgentConnection();

        var wrongId = await Assert.ThrowsAsync<MonitoringApiException>(() => connection.RegisterAsync(Request("db-1"), token.Token!));
        Assert.Equal(ErrorCodes.EnrollmentRefused, wrongId.Code);
        Assert.Contains("web-*", wrongId.Message, StringComparison.Ordinal);

        var ok = await connection.RegisterAsync(Request("web-1", new() { ["site"] = "lyon", ["role"] = "web" }), token.Token!);
        Assert.NotNull(ok.AgentToken);
        var agent = await admin.GetAgentAsync("web-1");
        Assert.Equal("paris", agent.Labels!["site"]);
        Assert.Equal("web", agent.Labels["role"]);

        var usedUp = await Assert.ThrowsAsync<MonitoringApiException>(() => connection.RegisterAsync(Request("web-2"), token.Token!));
        Assert.Equal(ErrorCodes.EnrollmentRefused, usedUp.Code);
        Assert.Contains("maximum of 1", usedUp.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await admin.GetEnrollmentTokensAsync()).Single(t => t.Id == token.Id).Uses);

        // Re-registering with its own token keeps the stamped labels.
        connection.Token = ok.AgentToken;
        await connection.RegisterAsync(Request("web-1", new() { ["site"] = "lyon" }), ok.AgentToken!);
        Assert.Equal("paris", (await admin.GetAgentAsync("web-1")).Labels!["site"]);
    }

    [Fact]
    public async Task RevokedAndExpiredEnrollmentTokens_Are401()
    {
        using var admin = _manager.AdminClient();
        var revoked = await admin.CreateEnrollmentTokenAsync(new CreateEnrollmentTokenRequest { Name = "temp" });
        await admin.RevokeEnrollmentTokenAsync(revoked.Id);
        using var connection = _manager.AgentConnection();

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => connection.RegisterAsync(Request("a1"), revoked.Token!));

        Assert.Equal(401, ex.StatusCode);
        Assert.NotNull((await admin.GetEnrollmentTokensAsync()).Single(t => t.Id == revoked.Id).RevokedAt);
        var past = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            admin.CreateEnrollmentTokenAsync(new CreateEnrollmentTokenRequest { Name = "old", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }));
        Assert.Equal(400, past.StatusCode);
    }

    [Fact]
    public async Task FirstStartEnrollmentToken_WorksUntilRevoked_AcrossRestarts()
    {
        using (var admin = _manager.AdminClient())
        {
            Assert.Contains((await admin.GetEnrollmentTokensAsync()), t => t.Id == "default" && t.RevokedAt is null);
            await admin.RevokeEnrollmentTokenAsync("default");
        }

        await _manager.StartAgainAsync();
        using var connection = _manager.AgentConnection();
        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => connection.RegisterAsync(Request("a1"), _manager.EnrollmentToken));
        Assert.Equal(401, ex.StatusCode);
    }

    [Fact]
    public async Task Approval_KeepsTheAgentPendingUntilAnAdminApproves()
    {
        using var admin = _manager.AdminClient();
        var token = await admin.CreateEnrollmentTokenAsync(new CreateEnrollmentTokenRequest { Name = "careful", RequireApproval = true });
        using var connection = _manager.AgentConnection();

        var response = await connection.RegisterAsync(Request("new1"), token.Token!);
        connection.Token = response.AgentToken;

        Assert.Equal(AgentEnrollment.Pending, response.Enrollment);
        var refused = await Assert.ThrowsAsync<MonitoringApiException>(() => connection.ReportAsync("new1", [TestManager.Snapshot(1)]));
        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(ErrorCodes.AgentPending, refused.Code);
        Assert.Contains("Approve-MonAgent -Agent new1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(AgentEnrollment.Pending, (await connection.RegisterAsync(Request("new1"), response.AgentToken!)).Enrollment);

        Assert.Equal(AgentEnrollment.Active, (await admin.ApproveAgentAsync("new1")).Enrollment);
        Assert.Equal(1, (await connection.ReportAsync("new1", [TestManager.Snapshot(1)])).Accepted);
    }

    [Fact]
    public async Task MaxAgents_RefusesTheNextEnrollmentWith507()
    {
        await using var small = await TestManager.StartAsync("--max-agents", "2");
        await small.EnrollAsync("a1");
        await small.EnrollAsync("a2");
        using var connection = small.AgentConnection();

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => connection.RegisterAsync(Request("a3"), small.EnrollmentToken));

        Assert.Equal(507, ex.StatusCode);
        Assert.Equal(ErrorCodes.QuotaExceeded, ex.Code);
        Assert.Contains("maxAgents", ex.Message, StringComparison.Ordinal);
    }
}
