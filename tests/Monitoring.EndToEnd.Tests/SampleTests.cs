using System.Text.Json;
using System.Text.RegularExpressions;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

/// <summary>
/// The samples under samples/ built as an outside app builds them: against the Monitoring.Core package, packed from
/// this build into a local folder feed (its dependencies from nuget.org), never the repository's project; then run.
/// </summary>
public sealed class SampleTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("monitoring-samples-").FullName;
    private readonly Fleet _fleet = new();

    public void Dispose()
    {
        _fleet.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static string Version =>
        Regex.Match(File.ReadAllText(Path.Combine(ServerProcess.RepoRoot, "Monitoring.psd1")), @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;

    [Fact]
    public async Task ReadCollectors_ReadsThisMachineThroughThePackage()
    {
        var app = await BuildAsync("ReadCollectors");

        var (code, output) = await RunAsync(app, "2");

        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^cpu +\d+\.\d% +memory +\d+\.\d% +disk / +\d+\.\d% +rx +\d+ B/s +processes \d+ +gpus 0 +sensors 0$", l));
    }

    [Fact]
    public async Task AdminTool_ListsTheFleet_RunsACommand_AndFetchesAFileWithProgress()
    {
        var app = await BuildAsync("AdminTool");
        var outbox = Directory.CreateDirectory(Path.Combine(_fleet.Root, "outbox")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outbox, "hello.txt"), "hello from the agent\n");
        await _fleet.StartManagerAsync();
        _fleet.StartAgent("sample1", "1s", config: _fleet.WriteConfig("agent.yaml", $"files:\n  read: [{outbox}]\n"));
        using var admin = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "sample1" && a.LastSeq >= 2), TimeSpan.FromSeconds(30), "two reports");
        var destination = Path.Combine(_root, "hello.txt");

        var (code, output) = await RunAsync(app, Path.Combine(_fleet.DataDir, "admin.json"), Path.Combine(outbox, "hello.txt"), destination);

        Assert.True(code == 0, output);
        Assert.Matches(@"(?m)^agent sample1 Online cpu \d+\.\d% memory \d+\.\d%$", output);
        Assert.Matches(@"(?m)^history sample1: [2-5] samples, cpu \d", output);
        Assert.Matches(@"(?m)^command get_process_count: Succeeded \{""count"":\d+\}$", output);
        Assert.Matches(@"(?m)^progress 100%$", output);
        Assert.Matches(@"(?m)^file hello\.txt 21 bytes sha256 [0-9a-f]{64}$", output);
        Assert.Equal("hello from the agent\n", await File.ReadAllTextAsync(destination));
    }

    [Fact]
    public async Task EmbeddedAgent_ReportsTheAppBesideTheMachine_AndRunsTheAppsOwnCommand()
    {
        var app = await BuildAsync("EmbeddedAgent");
        await _fleet.StartManagerAsync();
        using var admin = _fleet.AdminClient();
        using var process = ServerProcess.StartProgram(
            "dotnet", app,
            "--Monitoring:Manager", _fleet.ManagerUrl,
            "--Monitoring:EnrollmentTokenFile", Path.Combine(_fleet.DataDir, "enrollment.token"),
            "--Monitoring:CertificateThumbprint", _fleet.Admin.CertificateThumbprint!,
            "--Monitoring:AgentId", "shop-orders",
            "--Monitoring:StateDirectory", Path.Combine(_root, "state"),
            "--Monitoring:IntervalSeconds", "1",
            "--Orders:Queued", "5");

        var latest = await LatestApplicationAsync(admin, a => a.Values?.GetValueOrDefault("orders.queued") == 5, "a report with the app's queue of 5", process);

        Assert.Equal("orders-sample", latest.Application!.Name);
        Assert.Equal(process.Id, latest.Application.ProcessId);
        Assert.InRange(latest.Application.WorkingSetBytes, 10L << 20, 4L << 30);
        Assert.True(latest.Application.GcHeapBytes > 0);
        Assert.True(latest.Application.ThreadPoolThreads > 0);
        Assert.InRange(latest.Application.StartTime, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        Assert.True(latest.Memory.TotalBytes > 0 && latest.Disks.Count > 0, "the machine's metrics beside the app's");

        var offered = (await admin.GetAgentAsync("shop-orders")).Commands!;
        Assert.Contains(offered, c => c.Name == "drain_orders" && !c.ReadOnly && c.Arguments.Single().Name == "max");
        Assert.Contains(offered, c => c.Name == CommandNames.GetStatus && c.ReadOnly);

        var drained = await admin.InvokeCommandAsync("shop-orders", "drain_orders", [new("max", 3)], TimeSpan.FromSeconds(30));

        Assert.True(drained.Status == CommandStatus.Succeeded, $"{drained.Status}: {drained.Error}");
        Assert.Equal("""{"drained":3,"left":2}""", drained.Result?.GetRawText());
        await LatestApplicationAsync(admin, a => a.Values?.GetValueOrDefault("orders.queued") == 2, "a report with 2 orders left", process);
        var series = await admin.GetSeriesAsync("shop-orders", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), "raw");
        Assert.Contains(series.Points, p => p.Metrics.TryGetValue("app.value:orders.queued", out var v) && v.Max == 5);
        Assert.Contains(series.Points, p => p.Metrics.ContainsKey("app.cpu.percent") && p.Metrics.ContainsKey("cpu.percent"));

        await process.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, process.Output);
        Assert.Contains("Agent shop-orders stopped", process.Output);
    }

    private static async Task<MetricSnapshot> LatestApplicationAsync(ManagerClient admin, Func<ApplicationMetrics, bool> condition, string what, ServerProcess app)
    {
        MetricSnapshot? latest = null;
        await TestNet.WaitUntilAsync(
            async () =>
            {
                Assert.False(app.HasExited, app.Output);
                latest = (await admin.GetAgentsAsync()).FirstOrDefault(a => a.Id == "shop-orders")?.Latest;
                return latest?.Application is { } application && condition(application);
            },
            TimeSpan.FromSeconds(60),
            what);
        return latest!;
    }

    /// <summary>Packs the SDK into a folder feed, builds a copy of the sample against it, and returns the app's DLL.</summary>
    private async Task<string> BuildAsync(string sample)
    {
        var feed = Path.Combine(_root, "feed");
        if (!Directory.Exists(feed))
        {
            await DotnetAsync(ServerProcess.RepoRoot, "pack", "Monitoring.Core/Monitoring.Core.csproj", "-c", "Release", "--no-build", "-o", feed, "-nologo");
        }

        var source = Path.Combine(ServerProcess.RepoRoot, "samples");
        var copy = Path.Combine(_root, "samples");
        if (!Directory.Exists(copy))
        {
            Directory.CreateDirectory(copy);
            File.Copy(Path.Combine(source, "Directory.Build.props"), Path.Combine(copy, "Directory.Build.props"));
            File.Copy(Path.Combine(source, "Directory.Packages.props"), Path.Combine(copy, "Directory.Packages.props"));
        }

        TestFiles.CopyTree(Path.Combine(source, sample), Path.Combine(copy, sample));
        foreach (var built in new[] { "bin", "obj" }.Select(d => Path.Combine(copy, sample, d)).Where(Directory.Exists))
        {
            // What a build in place left behind (it restored against another version of the package).
            Directory.Delete(built, recursive: true);
        }
        var output = Path.Combine(_root, "out", sample);
        // Monitoring.Core from this build's feed only (package source mapping, so never a package of the same name on
        // nuget.org), everything else from nuget.org, into a packages folder of the test's own: no NuGet cache or
        // fallback folder can hand it an earlier build of the same version.
        await File.WriteAllTextAsync(Path.Combine(copy, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="build" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="build"><package pattern="Monitoring.Core" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
              <fallbackPackageFolders><clear /></fallbackPackageFolders>
              <config><add key="globalPackagesFolder" value="{Path.Combine(_root, "packages")}" /></config>
            </configuration>
            """);
        await DotnetAsync(Path.Combine(copy, sample), "build", "-c", "Release", "-nologo", "-o", output, $"-p:MonitoringCoreVersion={Version}");
        using var deps = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, sample + ".deps.json")));
        var library = deps.RootElement.GetProperty("libraries").GetProperty($"Monitoring.Core/{Version}");
        Assert.Equal("package", library.GetProperty("type").GetString());
        return Path.Combine(output, sample + ".dll");
    }

    private static async Task DotnetAsync(string workingDirectory, params string[] args)
    {
        var (code, output) = await ProcessRun.RunAsync("dotnet", workingDirectory, args);
        Assert.True(code == 0, $"dotnet {string.Join(' ', args)} exited {code}:\n{output}");
    }

    private static Task<(int Code, string Output)> RunAsync(string app, params string[] args) =>
        ProcessRun.RunAsync("dotnet", Path.GetDirectoryName(app)!, [app, .. args]);
}
