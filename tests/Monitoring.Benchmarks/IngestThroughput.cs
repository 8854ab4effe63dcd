using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.Benchmarks;

/// <summary>
/// Durable status ingest driven by wrk (64 connections, many agents, a real snapshot per request) against the
/// trivial endpoint in the same run, interleaved, each at least three times. Checks afterwards that every
/// acknowledged report is stored exactly once.
/// </summary>
internal static partial class IngestThroughput
{
    public static async Task<int> RunAsync(int agents, int seconds, int connections, int runs)
    {
        var root = Directory.CreateTempSubdirectory("monitoring-ingest-").FullName;
        var managerUrl = $"http://127.0.0.1:{TestNet.FreePort()}";
        var trivialUrl = $"http://127.0.0.1:{TestNet.FreePort()}";
        var data = Path.Combine(root, "manager");
        using var manager = ServerProcess.Start("Monitoring.Manager", "--urls", managerUrl, "--data-dir", data,
            "--rateLimits:requestsPerSecondPerCredential", "1000000", "--rateLimits:enrollmentsPerMinutePerAddress", "1000000");
        await manager.WaitForOutputAsync("Monitoring manager started", TimeSpan.FromSeconds(60));
        using var trivial = ServerProcess.StartSelf("trivial-server", trivialUrl);
        await trivial.WaitForOutputAsync("trivial server listening", TimeSpan.FromSeconds(60));

        var enrollment = File.ReadAllText(Path.Combine(data, "enrollment.token")).Trim();
        var tokens = new List<string>();
        using (var connection = new AgentConnection(new ManagerConnectionOptions { BaseAddress = new Uri(managerUrl), MaxRetryAttempts = 0 }))
        {
            for (var i = 0; i < agents; i++)
            {
                var answer = await connection.RegisterAsync(new RegisterRequest { AgentId = $"load-{i}", IntervalSeconds = 10, Os = "linux" }, enrollment);
                tokens.Add(answer.AgentToken!);
            }
        }

        await File.WriteAllLinesAsync(Path.Combine(root, "tokens.txt"), tokens);
        using (var collector = MetricCollector.CreateDefault(TimeProvider.System))
        {
            collector.Collect();
            await Task.Delay(500);
            var sample = collector.Collect() with { Seq = 999_999_999_999, Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) };
            var json = JsonSerializer.Serialize(sample, MonitoringJsonContext.Default.MetricSnapshot)
                .Replace("999999999999", "{SEQ}", StringComparison.Ordinal)
                .Replace("2026-01-01T00:00:00+00:00", "{TS}", StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(root, "body.json"), json);
        }

        var script = Path.Combine(root, "ingest.lua");
        await File.WriteAllTextAsync(script, LuaScript.Replace("{ROOT}", root, StringComparison.Ordinal));

        var results = new List<(double Manager, double Trivial, double ManagerP50, double ManagerP99, double TrivialP50, double TrivialP99, long Non2xx)>();
        // Both servers warm up (pools, the database's first pages, and the tiered JIT, which recompiles the hot paths in
        // the background for the first 10-20 s on one of the two cores) before anything is measured.
        await WrkAsync(trivialUrl, script, connections, 15);
        await WrkAsync(managerUrl, script, connections, 15);
        for (var run = 0; run < runs; run++)
        {
            var t = await WrkAsync(trivialUrl, script, connections, seconds);
            var m = await WrkAsync(managerUrl, script, connections, seconds);
            results.Add((m.Rps, t.Rps, m.P50, m.P99, t.P50, t.P99, m.Non2xx));
        }

        await manager.StopAsync(TimeSpan.FromSeconds(60));
        var (stored, distinct) = CountStored(Path.Combine(data, "monitoring.db"));

        Console.WriteLine($"Durable status ingest: wrk, {connections} connections, {agents} agents, {seconds} s per run, {runs} runs interleaved with the trivial endpoint; plain HTTP on loopback, {Environment.ProcessorCount} cores shared by wrk and the server");
        MarkdownTable.Header();
        MarkdownTable.Row("trivial endpoint, requests/s", results.Select(r => r.Trivial));
        MarkdownTable.Row("manager (durable), requests/s", results.Select(r => r.Manager));
        MarkdownTable.Row("manager / trivial", results.Select(r => r.Manager / r.Trivial), "0.00");
        MarkdownTable.Row("trivial p50 ms", results.Select(r => r.TrivialP50), "0.00");
        MarkdownTable.Row("trivial p99 ms", results.Select(r => r.TrivialP99), "0.00");
        MarkdownTable.Row("manager p50 ms", results.Select(r => r.ManagerP50), "0.00");
        MarkdownTable.Row("manager p99 ms", results.Select(r => r.ManagerP99), "0.00");
        Console.WriteLine();
        Console.WriteLine($"Stored {stored} snapshots ({distinct} distinct agent/seq pairs); non-2xx answers from the manager: {results.Sum(r => r.Non2xx)}.");
        Directory.Delete(root, recursive: true);
        return stored == distinct && results.Sum(r => r.Non2xx) == 0 ? 0 : 1;
    }

    private static (long Rows, long Distinct) CountStored(string db)
    {
        using var conn = new SqliteConnection($"Data Source={db};Mode=ReadOnly");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*), (SELECT COUNT(*) FROM (SELECT DISTINCT agent_id, seq FROM snapshots)) FROM snapshots";
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static async Task<(double Rps, double P50, double P99, long Non2xx)> WrkAsync(string url, string script, int connections, int seconds)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("wrk", ["-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "-s", script, url])
        {
            RedirectStandardOutput = true,
        };
        using var wrk = System.Diagnostics.Process.Start(psi)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Non2xx().Match(output) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return (rps, Percentile(output, "50%"), Percentile(output, "99%"), non2xx);
    }

    private static double Percentile(string output, string label)
    {
        var m = Regex.Match(output, @"^\s*" + Regex.Escape(label) + @"\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => v / 1000, "s" => v * 1000, _ => v };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    /// <summary>Each wrk thread takes every other agent and numbers its reports on from a per-run offset.</summary>
    private const string LuaScript = """
        local tokens = {}
        for line in io.lines("{ROOT}/tokens.txt") do tokens[#tokens + 1] = line end
        local f = io.open("{ROOT}/body.json"); local template = f:read("*a"); f:close()
        local counter = 0
        local threads = {}
        function setup(thread)
          thread:set("tid", #threads)
          threads[#threads + 1] = thread
        end
        function init(args)
          seqs = {}
          mine = {}
          for i = 1, #tokens do if (i - 1) % 2 == tid then mine[#mine + 1] = i end end
          base = os.time() * 1000
          next_index = 1
        end
        function request()
          local i = mine[next_index]
          next_index = next_index % #mine + 1
          seqs[i] = (seqs[i] or 0) + 1
          local body = template:gsub("{SEQ}", tostring(base + seqs[i])):gsub("{TS}", "2026-11-28T00:00:00Z")
          return wrk.format("POST", "/api/v1/agents/load-" .. (i - 1) .. "/status",
            { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[i] }, body)
        end
        """;
}
