using System.Diagnostics;
using System.Globalization;
using Monitoring.Client;
using Monitoring.Tests;

namespace Monitoring.Benchmarks;

/// <summary>
/// What an agent costs its machine: CPU (share of one core) and RSS of the JIT agent and the NativeAOT agent, each
/// reporting every second to a real manager, beside Debian's prometheus-node-exporter scraped every second and the
/// floor (bench/HttpsFloor: a program that only POSTs a small JSON body to the manager over HTTPS every second, built
/// with the agent's settings, JIT and NativeAOT), all running at once; measured over a window after a warm-up, each run
/// with fresh processes.
/// </summary>
internal static class AgentFootprint
{
    public static async Task RunAsync(int seconds, int warmup, int runs)
    {
        var native = Path.Combine(ServerProcess.RepoRoot, "artifacts", "agent", "linux-x64", "monitoring-agent");
        if (!File.Exists(native))
        {
            throw new FileNotFoundException("Run eng/publish-agent.sh first: the NativeAOT agent is missing.", native);
        }

        var floorNative = Path.Combine(ServerProcess.RepoRoot, "artifacts", "floor", "linux-x64", "HttpsFloor");
        var floorJit = Path.Combine(ServerProcess.RepoRoot, "bench", "HttpsFloor", "bin", "Release", "net10.0", "HttpsFloor.dll");
        if (!File.Exists(floorNative) || !File.Exists(floorJit))
        {
            throw new FileNotFoundException("Run bench/run.sh agent: it builds and publishes bench/HttpsFloor, the floor this benchmark compares with.", floorNative);
        }

        var rows = new List<Dictionary<string, (double Cpu, double RssMiB, double AnonMiB)>>();
        for (var run = 0; run < runs; run++)
        {
            rows.Add(await RunOnceAsync(native, floorJit, floorNative, seconds, warmup));
        }

        Console.WriteLine($"{runs} runs; in each, the three run at once for {warmup} s of warm-up and {seconds} s measured (CPU from /proc/PID/stat, RSS and its anonymous part from /proc/PID/status at the end); the agents report every 1 s over HTTPS to a manager on loopback, node_exporter is scraped every 1 s, and the HTTPS floors post every 1 s to the same manager.");
        MarkdownTable.Header();
        foreach (var name in new[] { "node_exporter", "HTTPS floor (JIT)", "agent (JIT)", "HTTPS floor (NativeAOT)", "agent (NativeAOT)" })
        {
            MarkdownTable.Row($"{name} CPU, % of one core", rows.Select(r => r[name].Cpu), "0.00");
            MarkdownTable.Row($"{name} RSS MiB", rows.Select(r => r[name].RssMiB), "0.0");
            MarkdownTable.Row($"{name} private (anonymous) MiB", rows.Select(r => r[name].AnonMiB), "0.0");
        }

        MarkdownTable.Row("agent (JIT) CPU / node_exporter", rows.Select(r => r["agent (JIT)"].Cpu / r["node_exporter"].Cpu), "0.00");
        MarkdownTable.Row("agent (NativeAOT) CPU / node_exporter", rows.Select(r => r["agent (NativeAOT)"].Cpu / r["node_exporter"].Cpu), "0.00");
        MarkdownTable.Row("agent (JIT) RSS / its floor", rows.Select(r => r["agent (JIT)"].RssMiB / r["HTTPS floor (JIT)"].RssMiB), "0.00");
        MarkdownTable.Row("agent (NativeAOT) RSS / its floor", rows.Select(r => r["agent (NativeAOT)"].RssMiB / r["HTTPS floor (NativeAOT)"].RssMiB), "0.00");
    }

    private static async Task<Dictionary<string, (double Cpu, double RssMiB, double AnonMiB)>> RunOnceAsync(
        string native, string floorJit, string floorNative, int seconds, int warmup)
    {
        var root = Directory.CreateTempSubdirectory("monitoring-footprint-").FullName;
        var url = $"https://127.0.0.1:{TestNet.FreePort()}";
        var data = Path.Combine(root, "manager");
        using var manager = ServerProcess.Start("Monitoring.Manager", "--urls", url, "--data-dir", data);
        await manager.WaitForOutputAsync("Monitoring manager started", TimeSpan.FromSeconds(60));
        using var admin = ManagerClient.FromConnectionFile(Path.Combine(data, "admin.json"));
        string[] AgentArgs(string id) =>
        [
            "--manager", url, "--enrollment-token-file", Path.Combine(data, "enrollment.token"),
            "--certificate-thumbprint", admin.Options.CertificateThumbprint!, "--state-dir", Path.Combine(root, id), "--id", id, "--interval", "1s",
        ];
        using var jit = ServerProcess.Start("Monitoring.Agent", AgentArgs("jit"));
        using var aot = Quiet(Process.Start(new ProcessStartInfo(native, AgentArgs("aot")) { RedirectStandardOutput = true, RedirectStandardError = true })!);
        // The floors post to the health endpoint, which answers 405 to a POST: a full request and answer over TLS.
        string[] floorArgs = [url + Monitoring.Protocol.ApiRoutes.Health, admin.Options.CertificateThumbprint!];
        using var floorJitProcess = Quiet(Process.Start(new ProcessStartInfo("dotnet", [floorJit, .. floorArgs]) { RedirectStandardOutput = true, RedirectStandardError = true })!);
        using var floorAotProcess = Quiet(Process.Start(new ProcessStartInfo(floorNative, floorArgs) { RedirectStandardOutput = true, RedirectStandardError = true })!);
        var exporterPort = TestNet.FreePort();
        using var exporter = Quiet(Process.Start(new ProcessStartInfo("prometheus-node-exporter", [$"--web.listen-address=127.0.0.1:{exporterPort}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!);
        using var stop = new CancellationTokenSource();
        var scraper = ScrapeAsync($"http://127.0.0.1:{exporterPort}/metrics", stop.Token);
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Count(a => a.Id is "jit" or "aot") == 2, TimeSpan.FromSeconds(60), "both agents");

        await Task.Delay(TimeSpan.FromSeconds(warmup));
        var pids = new Dictionary<string, int>
        {
            ["node_exporter"] = exporter.Id,
            ["agent (JIT)"] = jit.Id,
            ["agent (NativeAOT)"] = aot.Id,
            ["HTTPS floor (JIT)"] = floorJitProcess.Id,
            ["HTTPS floor (NativeAOT)"] = floorAotProcess.Id,
        };
        var before = pids.ToDictionary(p => p.Key, p => CpuTicks(p.Value));
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = clock.Elapsed.TotalSeconds;
        var result = pids.ToDictionary(
            p => p.Key,
            p => ((CpuTicks(p.Value) - before[p.Key]) / 100.0 / elapsed * 100, Status(p.Value, "VmRSS:") / 1024.0, Status(p.Value, "RssAnon:") / 1024.0));

        await stop.CancelAsync();
        await scraper;
        exporter.Kill();
        aot.Kill();
        floorJitProcess.Kill();
        floorAotProcess.Kill();
        await jit.StopAsync(TimeSpan.FromSeconds(15));
        await manager.StopAsync(TimeSpan.FromSeconds(30));
        Directory.Delete(root, recursive: true);
        return result;
    }

    private static Process Quiet(Process process)
    {
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task ScrapeAsync(string url, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await (await http.GetAsync(url, ct)).Content.ReadAsStringAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>utime + stime of a process, in clock ticks (100 a second on Linux).</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>A kB figure from /proc/PID/status: VmRSS (all resident pages) or RssAnon (the private, anonymous part: heaps and stacks, not the mapped code and libraries).</summary>
    private static long Status(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
