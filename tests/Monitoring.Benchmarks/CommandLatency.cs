using System.Diagnostics;
using System.Runtime.InteropServices;
using Monitoring.Client;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.Benchmarks;

/// <summary>
/// Command round trip on loopback (admin → manager → agent long-poll → handler → result → admin), against a
/// baseline measured in the same run: an authenticated GET of the same agent on the same connection.
/// </summary>
internal static class CommandLatency
{
    public static async Task RunAsync(int count, int runs, int warmupSeconds)
    {
        var root = Directory.CreateTempSubdirectory("monitoring-bench-").FullName;
        var port = TestNet.FreePort();
        var url = $"https://127.0.0.1:{port}";
        var data = Path.Combine(root, "manager");
        using var manager = ServerProcess.Start("Monitoring.Manager", "--urls", url, "--data-dir", data, "--rateLimits:requestsPerSecondPerCredential", "100000");
        await manager.WaitForOutputAsync("Monitoring manager started", TimeSpan.FromSeconds(60));
        using var admin = ManagerClient.FromConnectionFile(Path.Combine(data, "admin.json"));
        using var agent = ServerProcess.Start(
            "Monitoring.Agent", "--manager", url, "--enrollment-token-file", Path.Combine(data, "enrollment.token"),
            "--certificate-thumbprint", admin.Options.CertificateThumbprint!, "--state-dir", Path.Combine(root, "agent"), "--id", "bench", "--interval", "10s");
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "bench"), TimeSpan.FromSeconds(60), "the agent");

        // Steady state of a long-running manager: in its first seconds the tiered JIT recompiles the hot paths on one of
        // the two cores (40 % of the manager's samples ten seconds after start, 1 % after twenty; perf record).
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(warmupSeconds))
        {
            await admin.GetAgentAsync("bench");
            await admin.InvokeCommandAsync("bench", CommandNames.GetProcessCount);
        }

        var results = new List<(double BaseP50, double BaseP99, double CmdP50, double CmdP99)>();
        for (var run = 0; run < runs; run++)
        {
            var baseline = new double[count];
            var command = new double[count];
            for (var i = 0; i < count; i++)
            {
                var sw = Stopwatch.StartNew();
                await admin.GetAgentAsync("bench");
                baseline[i] = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var record = await admin.InvokeCommandAsync("bench", CommandNames.GetProcessCount);
                command[i] = sw.Elapsed.TotalMilliseconds;
                if (record.Status != CommandStatus.Succeeded)
                {
                    throw new InvalidOperationException($"Command {record.Id} ended {record.Status}: {record.Error}");
                }
            }

            Array.Sort(baseline);
            Array.Sort(command);
            results.Add((P(baseline, 50), P(baseline, 99), P(command, 50), P(command, 99)));
        }

        Console.WriteLine($"{runs} runs of {count} sequential get_process_count commands over HTTPS on loopback after {warmupSeconds} s of the same as warm-up ({RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores), each beside an authenticated GET of the same agent on the same client.");
        MarkdownTable.Header();
        MarkdownTable.Row("baseline GET p50 ms", results.Select(r => r.BaseP50), "0.00");
        MarkdownTable.Row("baseline GET p99 ms", results.Select(r => r.BaseP99), "0.00");
        MarkdownTable.Row("command round trip p50 ms", results.Select(r => r.CmdP50), "0.00");
        MarkdownTable.Row("command round trip p99 ms", results.Select(r => r.CmdP99), "0.00");
        MarkdownTable.Row("ratio p50 command / baseline", results.Select(r => r.CmdP50 / r.BaseP50), "0.00");
        MarkdownTable.Row("ratio p99 command / baseline", results.Select(r => r.CmdP99 / r.BaseP99), "0.00");

        await agent.StopAsync(TimeSpan.FromSeconds(15));
        await manager.StopAsync(TimeSpan.FromSeconds(60));
        Directory.Delete(root, recursive: true);
    }

    private static double P(double[] sorted, int percentile) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
}
