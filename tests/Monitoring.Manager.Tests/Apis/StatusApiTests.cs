using System.Net;
using System.Text;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

public sealed class StatusApiTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync("--max-request-body-bytes", "65536");

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public async Task Replays_AreAcknowledgedButStoredOnce()
    {
        var (a, _) = await _manager.EnrollAsync("a1");

        var first = await a.ReportAsync("a1", [TestManager.Snapshot(1), TestManager.Snapshot(2), TestManager.Snapshot(3)]);
        var replay = await a.ReportAsync("a1", [TestManager.Snapshot(2), TestManager.Snapshot(3), TestManager.Snapshot(4)]);

        Assert.Equal((3, 0, 3L), (first.Accepted, first.Duplicates, first.LastSeq));
        Assert.Equal((1, 2, 4L), (replay.Accepted, replay.Duplicates, replay.LastSeq));
        using var admin = _manager.AdminClient();
        var history = await admin.GetStatusHistoryAsync("a1");
        Assert.Equal([4L, 3L, 2L, 1L], history.Select(s => s.Seq));
    }

    [Fact]
    public async Task ASingleSnapshotObject_IsAccepted()
    {
        var (_, token) = await _manager.EnrollAsync("a1");
        using var http = _manager.Http(token);
        var body = JsonSerializer.Serialize(TestManager.Snapshot(5), MonitoringJsonContext.Default.MetricSnapshot);

        var response = await http.PostAsync("/api/v1/agents/a1/status", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), MonitoringJsonContext.Default.StatusAck)!;
        Assert.Equal(1, ack.Accepted);
        Assert.Equal(5, ack.LastSeq);
    }

    [Theory]
    [InlineData("{not json", "not a snapshot")]
    [InlineData("[]", "no snapshot")]
    [InlineData("[{\"seq\":0,\"timestamp\":\"2026-11-28T10:00:00Z\"}]", "sequence number")]
    [InlineData("[{\"seq\":1}]", "timestamp")]
    [InlineData("[{\"seq\":1,\"timestamp\":\"2026-11-28T10:00:00Z\",\"cpu\":{\"percent\":\"high\"}}]", "not a snapshot")]
    public async Task BadBodies_Are400WithAnExplanation(string body, string expected)
    {
        var (_, token) = await _manager.EnrollAsync("a1");
        using var http = _manager.Http(token);

        var response = await http.PostAsync("/api/v1/agents/a1/status", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ErrorCodes.InvalidRequest, problem.GetProperty("code").GetString());
        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var (_, token) = await _manager.EnrollAsync("a1");
        using var http = _manager.Http(token);

        var response = await http.PostAsync("/api/v1/agents/a1/status", new StringContent("[]", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task ABodyOverTheLimit_Is413AndNothingIsStored()
    {
        var (a, _) = await _manager.EnrollAsync("a1");
        var big = Enumerable.Range(1, 400).Select(i => TestManager.Snapshot(i)).ToList();

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => a.ReportAsync("a1", big));

        Assert.Equal(413, ex.StatusCode);
        Assert.Equal(ErrorCodes.PayloadTooLarge, ex.Code);
        using var admin = _manager.AdminClient();
        Assert.Empty(await admin.GetStatusHistoryAsync("a1"));
    }

    [Fact]
    public async Task History_HonoursLimitAndTimeRange()
    {
        var (a, _) = await _manager.EnrollAsync("a1");
        var t0 = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        await a.ReportAsync("a1", [.. Enumerable.Range(1, 10).Select(i => TestManager.Snapshot(i, t0.AddMinutes(i)))]);
        using var admin = _manager.AdminClient();

        var latestThree = await admin.GetStatusHistoryAsync("a1", limit: 3);
        var range = await admin.GetStatusHistoryAsync("a1", from: t0.AddMinutes(4), to: t0.AddMinutes(6));

        Assert.Equal([10L, 9L, 8L], latestThree.Select(s => s.Seq));
        Assert.Equal([6L, 5L, 4L], range.Select(s => s.Seq));
        Assert.Equal(t0.AddMinutes(6), range[0].Timestamp);
    }

    [Fact]
    public async Task History_BadParameters_Are400AndUnknownAgentIs404()
    {
        await _manager.EnrollAsync("a1");
        using var admin = _manager.AdminClient();

        var limit = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.GetStatusHistoryAsync("a1", limit: 0));
        var range = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            admin.GetStatusHistoryAsync("a1", from: DateTimeOffset.UtcNow, to: DateTimeOffset.UtcNow.AddDays(-1)));
        var unknown = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.GetStatusHistoryAsync("nope"));

        Assert.Equal(400, limit.StatusCode);
        Assert.Equal(400, range.StatusCode);
        Assert.Equal(404, unknown.StatusCode);
        Assert.Equal(ErrorCodes.AgentNotFound, unknown.Code);
    }

    [Fact]
    public async Task History_GarbageDate_Is400()
    {
        await _manager.EnrollAsync("a1");
        using var http = _manager.Http(_manager.Admin.Token);

        var response = await http.GetAsync("/api/v1/agents/a1/status?from=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
