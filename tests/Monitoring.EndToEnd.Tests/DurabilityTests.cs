using System.Collections.Concurrent;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

/// <summary>An acknowledgement means durable: a manager killed while agents post keeps every report it acknowledged.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly Fleet _fleet = new();

    public void Dispose() => _fleet.Dispose();

    [Fact]
    public async Task AManagerKilledWhileAgentsPost_KeepsEveryAcknowledgedReport()
    {
        var manager = await _fleet.StartManagerAsync("--rateLimits:enrollmentsPerMinutePerAddress", "1000");
        var enrollment = File.ReadAllText(Path.Combine(_fleet.DataDir, "enrollment.token")).Trim();
        var agents = new List<AgentConnection>();
        for (var i = 0; i < 8; i++)
        {
            var connection = new AgentConnection(new ManagerConnectionOptions
            {
                BaseAddress = new Uri(_fleet.ManagerUrl), CertificateThumbprint = _fleet.Admin.CertificateThumbprint, MaxRetryAttempts = 0,
            });
            connection.Token = (await connection.RegisterAsync(new RegisterRequest { AgentId = "k" + i, IntervalSeconds = 10 }, enrollment)).AgentToken;
            agents.Add(connection);
        }

        var acknowledged = new ConcurrentBag<(string Agent, long Seq)>();
        using var stop = new CancellationTokenSource();
        var posting = agents.Select((agent, i) => Task.Run(async () =>
        {
            for (long seq = 1; !stop.IsCancellationRequested; seq++)
            {
                try
                {
                    await agent.ReportAsync("k" + i, [Snapshot(seq)]);
                    acknowledged.Add(("k" + i, seq));
                }
                catch (MonitoringApiException)
                {
                    return;
                }
            }
        })).ToList();

        await TestNet.WaitUntilAsync(() => Task.FromResult(acknowledged.Count > 400), TimeSpan.FromSeconds(60), "reports to flow");
        await manager.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(posting);

        await _fleet.StartManagerAsync();
        using var admin = _fleet.AdminClient();
        foreach (var group in acknowledged.GroupBy(a => a.Agent))
        {
            var stored = (await admin.GetStatusHistoryAsync(group.Key, limit: 10_000)).Select(s => s.Seq).ToHashSet();
            var missing = group.Select(a => a.Seq).Where(seq => !stored.Contains(seq)).ToList();
            Assert.True(missing.Count == 0, $"{group.Key}: acknowledged but not stored: {string.Join(", ", missing)}");
        }

        foreach (var agent in agents)
        {
            agent.Dispose();
        }
    }

    private static Monitoring.Metrics.MetricSnapshot Snapshot(long seq) => new()
    {
        Seq = seq,
        Timestamp = DateTimeOffset.UtcNow,
        Cpu = new Monitoring.Metrics.CpuMetrics { Percent = seq % 100, PerCore = [] },
        Disks = [new Monitoring.Metrics.DiskMetrics { Mount = "/" }],
        Network = [new Monitoring.Metrics.NetworkInterfaceMetrics { Name = "eth0" }],
    };
}
