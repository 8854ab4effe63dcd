using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Monitoring.Client;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.Benchmarks;

/// <summary>
/// Throughput of each file-transfer leg for one file on loopback, beside a plain <c>curl</c> download of the same
/// file from nginx in the same run, and the peak RSS of the manager and the agent afterwards.
/// </summary>
internal static class FileThroughput
{
    private static readonly string[] Legs =
    [
        "baseline: curl from nginx to disk (HTTP, no hashing)",
        "baseline, then fsync of the file (as every leg below does)",
        "baseline over HTTPS: curl from nginx (TLS) to disk",
        "baseline over HTTPS, then fsync of the file",
        "floor: curl from a bare Kestrel server (bench/KestrelFileFloor, the run's scheme) to disk",
        "agent → manager (send_file: hash, upload, verify)",
        "manager → curl (the same download without the SDK: no hashing, no fsync)",
        "manager → admin (SDK download: Range, verify)",
        "admin → manager (SDK upload: hash, upload, verify)",
        "manager → agent (receive_file: download, verify)",
    ];

    /// <summary>The rows of the baselines: nginx over plain HTTP, and over HTTPS (the same scheme as the legs of an HTTPS run).</summary>
    private const int NginxHttp = 0, NginxHttpSynced = 1, NginxHttps = 2, NginxHttpsSynced = 3, Kestrel = 4;

    public static async Task RunAsync(long size, bool plainHttp, int runs)
    {
        var mib = size / (1024.0 * 1024);
        var results = new List<(TimeSpan[] Legs, long ManagerRss, long AgentRss, long AdminRss)>();
        for (var run = 0; run < runs; run++)
        {
            results.Add(await RunOnceAsync(size, plainHttp));
        }

        Console.WriteLine($"{runs} runs, each moving one {mib:0} MiB file through every leg over {(plainHttp ? "plain HTTP" : "HTTPS")} on loopback ({RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores), beside curl downloading the same file from nginx in the same run; the received file is written to disk on every leg.");
        Console.WriteLine();
        // Over HTTPS the legs are also compared with nginx over HTTPS: the same TLS work on both sides.
        // The bare Kestrel server tells what ASP.NET Core itself allows on this machine, beside what nginx does.
        Console.WriteLine(plainHttp
            ? "| leg | MiB/s min | median | max | share of nginx's MiB/s (median) | share of nginx with fsync (median) | share of bare Kestrel (median) |"
            : "| leg | MiB/s min | median | max | share of nginx's MiB/s, HTTP (median) | share of nginx with fsync, HTTP (median) | share of nginx's MiB/s, HTTPS (median) | share of nginx with fsync, HTTPS (median) | share of bare Kestrel, HTTPS (median) |");
        Console.WriteLine(plainHttp ? "|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|");
        int[] baselines = plainHttp ? [NginxHttp, NginxHttpSynced, Kestrel] : [NginxHttp, NginxHttpSynced, NginxHttps, NginxHttpsSynced, Kestrel];
        for (var leg = 0; leg < Legs.Length; leg++)
        {
            if (plainHttp && leg is NginxHttps or NginxHttpsSynced)
            {
                continue;
            }

            var rates = results.Select(r => mib / r.Legs[leg].TotalSeconds).Order().ToArray();
            var shares = baselines.Select(b => Median(results.Select(r => r.Legs[b].TotalSeconds / r.Legs[leg].TotalSeconds)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Legs[leg]} | {rates[0]:0} | {rates[rates.Length / 2]:0} | {rates[^1]:0} | {string.Join(" | ", shares.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Peak RSS (largest run): manager {results.Max(r => r.ManagerRss) >> 20} MiB, agent {results.Max(r => r.AgentRss) >> 20} MiB, admin (the benchmark process) {results.Max(r => r.AdminRss) >> 20} MiB.");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static async Task<(TimeSpan[] Legs, long ManagerRss, long AgentRss, long AdminRss)> RunOnceAsync(long size, bool plainHttp)
    {
        var root = Directory.CreateTempSubdirectory("monitoring-bench-").FullName;
        try
        {
            var outbox = Directory.CreateDirectory(Path.Combine(root, "outbox")).FullName;
            var inbox = Directory.CreateDirectory(Path.Combine(root, "inbox")).FullName;
            var local = Directory.CreateDirectory(Path.Combine(root, "admin")).FullName;
            var source = Path.Combine(outbox, "data.bin");
            TestFiles.Generate(source, size);

            var port = TestNet.FreePort();
            var url = $"{(plainHttp ? "http" : "https")}://127.0.0.1:{port}";
            var data = Path.Combine(root, "manager");
            using var manager = ServerProcess.Start("Monitoring.Manager", "--urls", url, "--data-dir", data);
            await manager.WaitForOutputAsync("Monitoring manager started", TimeSpan.FromSeconds(60));
            using var admin = ManagerClient.FromConnectionFile(Path.Combine(data, "admin.json"));
            var config = Path.Combine(root, "agent.yaml");
            File.WriteAllText(config, $"files:\n  read: [{outbox}]\n  write: [{inbox}]\n");
            string[] pin = plainHttp ? [] : ["--certificate-thumbprint", admin.Options.CertificateThumbprint!];
            using var agent = ServerProcess.Start(
                "Monitoring.Agent", ["--manager", url, "--enrollment-token-file", Path.Combine(data, "enrollment.token"), .. pin,
                "--state-dir", Path.Combine(root, "agent"), "--id", "bench", "--interval", "10s", "--config", config]);
            await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "bench"), TimeSpan.FromSeconds(60), "the agent");
            var timeout = TimeSpan.FromMinutes(10);

            // Each leg starts with no dirty pages left by the one before: writeback of an earlier gigabyte would
            // otherwise throttle the writes of the next one (it swung single legs by 3x here).
            await SyncAsync();
            var (baseline, baselineSynced, overTls, overTlsSynced) = await CurlFromNginxAsync(source, root, tls: !plainHttp);
            await SyncAsync();
            var bareKestrel = await CurlFromKestrelAsync(source, root, tls: !plainHttp);

            await SyncAsync();
            var sw = Stopwatch.StartNew();
            var sent = await admin.InvokeCommandAsync("bench", CommandNames.SendFile, [new("path", source)], timeout);
            var agentToManager = sw.Elapsed;
            var fileId = System.Text.Json.JsonSerializer.Deserialize(sent.Result!.Value, MonitoringJsonContext.Default.SendFileResult)!.FileId;

            // The manager's side of a download alone: curl fetching the same file from it, over the same scheme.
            await SyncAsync();
            sw.Restart();
            await RunAsync(
                "curl", "-sfk", "-H", $"Authorization: Bearer {admin.Options.Token}", "-o", Path.Combine(local, "curl.bin"),
                $"{url}{ApiRoutes.ForFileContent(fileId)}");
            var managerToCurl = sw.Elapsed;
            File.Delete(Path.Combine(local, "curl.bin"));

            await SyncAsync();
            sw.Restart();
            await admin.DownloadFileAsync(fileId, Path.Combine(local, "from-agent.bin"));
            var managerToAdmin = sw.Elapsed;

            var upload = Path.Combine(local, "to-agent.bin");
            TestFiles.Generate(upload, size, seed: 7);
            await SyncAsync();
            sw.Restart();
            var stored = await admin.UploadFileAsync(upload);
            var adminToManager = sw.Elapsed;

            await SyncAsync();
            sw.Restart();
            var received = await admin.InvokeCommandAsync(
                "bench", CommandNames.ReceiveFile, [new("fileId", stored.Id), new("path", Path.Combine(inbox, "to-agent.bin"))], timeout);
            var managerToAgent = sw.Elapsed;
            if (received.Status != CommandStatus.Succeeded || sent.Status != CommandStatus.Succeeded)
            {
                throw new InvalidOperationException($"A transfer failed: {sent.Error} {received.Error}");
            }

            var rss = (TestFiles.PeakRss(manager.Id), TestFiles.PeakRss(agent.Id), TestFiles.PeakRss(Environment.ProcessId));
            await agent.StopAsync(TimeSpan.FromSeconds(15));
            await manager.StopAsync(TimeSpan.FromSeconds(15));
            return ([baseline, baselineSynced, overTls, overTlsSynced, bareKestrel, agentToManager, managerToCurl, managerToAdmin, adminToManager, managerToAgent], rss.Item1, rss.Item2, rss.Item3);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Runs sync(1): every dirty page goes to disk before the next leg is timed.</summary>
    private static async Task SyncAsync()
    {
        using var sync = Process.Start("sync")!;
        await sync.WaitForExitAsync();
    }

    /// <summary>
    /// Times curl downloading <paramref name="file"/> from nginx to disk, and the same followed by an fsync of what it
    /// wrote; with <paramref name="tls"/>, both again over HTTPS (a self-signed ECDSA P-256 certificate, the manager's
    /// kind; nginx cannot use sendfile there, it reads and encrypts like the manager does).
    /// </summary>
    private static async Task<(TimeSpan Written, TimeSpan Synced, TimeSpan TlsWritten, TimeSpan TlsSynced)> CurlFromNginxAsync(string file, string root, bool tls)
    {
        var port = TestNet.FreePort();
        var tlsPort = TestNet.FreePort();
        var certificate = Path.Combine(root, "nginx.crt");
        var key = Path.Combine(root, "nginx.key");
        using (var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", ecdsa, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(certificate, cert.ExportCertificatePem());
            File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        }

        var conf = Path.Combine(root, "nginx.conf");
        File.WriteAllText(conf, $$"""
            daemon off;
            master_process off;
            pid {{root}}/nginx.pid;
            error_log {{root}}/nginx-error.log;
            events { }
            http {
                access_log off;
                sendfile on;
                server { listen 127.0.0.1:{{port}}; root {{Path.GetDirectoryName(file)}}; }
                server {
                    listen 127.0.0.1:{{tlsPort}} ssl;
                    ssl_certificate {{certificate}};
                    ssl_certificate_key {{key}};
                    root {{Path.GetDirectoryName(file)}};
                }
            }
            """);
        // nginx's worker reads as an unprivileged user: let it into the temporary folders.
        foreach (var dir in new[] { root, Path.GetDirectoryName(file)! })
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        }

        using var nginx = Process.Start(new ProcessStartInfo("nginx", ["-c", conf, "-p", root]) { UseShellExecute = false })!;
        try
        {
            await TestNet.WaitUntilAsync(
                async () => await RunAsync("curl", "-sf", "-o", "/dev/null", $"http://127.0.0.1:{port}/{Path.GetFileName(file)}") == 0,
                TimeSpan.FromSeconds(20), "nginx");
            var (written, synced) = await TimeCurlAsync($"http://127.0.0.1:{port}/{Path.GetFileName(file)}", root);
            if (!tls)
            {
                return (written, synced, written, synced);
            }

            await SyncAsync();
            var (tlsWritten, tlsSynced) = await TimeCurlAsync($"https://127.0.0.1:{tlsPort}/{Path.GetFileName(file)}", root);
            return (written, synced, tlsWritten, tlsSynced);
        }
        finally
        {
            nginx.Kill();
            await nginx.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Times curl downloading <paramref name="file"/> to disk from Kestrel serving it and nothing else
    /// (bench/KestrelFileFloor), over HTTPS with nginx's certificate when <paramref name="tls"/>.
    /// </summary>
    private static async Task<TimeSpan> CurlFromKestrelAsync(string file, string root, bool tls)
    {
        var floor = Path.Combine(ServerProcess.RepoRoot, "bench", "KestrelFileFloor", "bin", "Release", "net10.0", "KestrelFileFloor.dll");
        if (!File.Exists(floor))
        {
            throw new FileNotFoundException("Run bench/run.sh files: it builds bench/KestrelFileFloor, the floor this benchmark compares with.", floor);
        }

        var url = $"{(tls ? "https" : "http")}://127.0.0.1:{TestNet.FreePort()}";
        string[] certificate = tls ? [Path.Combine(root, "nginx.crt"), Path.Combine(root, "nginx.key")] : [];
        using var server = Process.Start(new ProcessStartInfo("dotnet", [floor, url, file, .. certificate]) { UseShellExecute = false })!;
        try
        {
            await TestNet.WaitUntilAsync(
                async () => await RunAsync("curl", "-sfk", "-o", "/dev/null", "-r", "0-0", $"{url}/file") == 0,
                TimeSpan.FromSeconds(30), "the bare Kestrel server");
            return (await TimeCurlAsync($"{url}/file", root)).Written;
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    private static async Task<(TimeSpan Written, TimeSpan Synced)> TimeCurlAsync(string url, string root)
    {
        var target = Path.Combine(root, "curl.bin");
        var sw = Stopwatch.StartNew();
        if (await RunAsync("curl", "-sfk", "-o", target, url) != 0)
        {
            throw new InvalidOperationException($"curl could not download {url}; see {root}/nginx-error.log.");
        }

        var written = sw.Elapsed;
        await RunAsync("sync", target);
        var synced = sw.Elapsed;
        File.Delete(target);
        return (written, synced);
    }

    private static async Task<int> RunAsync(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false })!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }
}
