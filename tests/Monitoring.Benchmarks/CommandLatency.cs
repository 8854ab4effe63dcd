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
    public static async Task RunAsync(int count)
    {
        var root = Directory.CreateTempSubdirectory("monitoring-bench-").FullName;
        var port = TestNet.FreePort();
        var url = $"https://127.0.0.1:{port}";
        var data = Path.Combine(root, "manager");
        using var manager = ServerProcess.Start("Monitoring.Manager", "--urls", url, "--data-dir", data);
        await manager.WaitForOutputAsync("Monitoring manager started", TimeSpan.FromSeconds(60));
        using var admin = ManagerClient.FromConnectionFile(Path.Combine(data, "admin.json"));
        using var agent = ServerProcess.Start(
            "Monitoring.Agent", "--manager", url, "--enrollment-token-file", Path.Combine(data, "enrollment.token"),
            "--certificate-thumbprint", admin.Options.CertificateThumbprint!, "--state-dir", Path.Combine(root, "agent"), "--id", "bench", "--interval", "10s");
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "bench"), TimeSpan.FromSeconds(60), "the agent");

        for (var i = 0; i < 50; i++)
        {
            await admin.GetAgentAsync("bench");
            await admin.InvokeCommandAsync("bench", CommandNames.GetProcessCount);
        }

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
        Console.WriteLine($"Command round trip, {count} sequential get_process_count over HTTPS on loopback ({RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores)");
        Console.WriteLine();
        Console.WriteLine("| measure | p50 ms | p90 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|");
        Row("baseline: GET /api/v1/agents/{id}", baseline);
        Row("command: POST …/commands, wait for result", command);
        Console.WriteLine();
        Console.WriteLine($"ratio command/baseline: p50 {P(command, 50) / P(baseline, 50):0.0}x, p99 {P(command, 99) / P(baseline, 99):0.0}x");

        await agent.StopAsync(TimeSpan.FromSeconds(15));
        await manager.StopAsync(TimeSpan.FromSeconds(15));
        Directory.Delete(root, recursive: true);
    }

    private static void Row(string name, double[] sorted) =>
        Console.WriteLine($"| {name} | {P(sorted, 50):0.00} | {P(sorted, 90):0.00} | {P(sorted, 99):0.00} | {sorted[^1]:0.00} |");

    private static double P(double[] sorted, int percentile) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
}
