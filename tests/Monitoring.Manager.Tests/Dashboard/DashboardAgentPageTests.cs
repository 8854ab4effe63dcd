using Microsoft.Playwright;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.Manager.Tests.Dashboard;

/// <summary>
/// An agent's page in a real headless Chromium for what only some agents report: GPUs and temperature sensors, and an
/// app that embeds the agent (its process, its values, its own commands with their arguments).
/// </summary>
public sealed class DashboardAgentPageTests : IAsyncLifetime
{
    private BrowserDashboard _dashboard = null!;

    public async Task InitializeAsync() => _dashboard = await BrowserDashboard.StartAsync();

    public async Task DisposeAsync() => await _dashboard.DisposeAsync();

    [Fact]
    public async Task AnAgentWithGpusAndSensors_ShowsThemInATableAndCharts()
    {
        using var admin = _dashboard.Manager.AdminClient();
        var reader = await admin.CreateApiKeyAsync("gpu-browser", KeyRole.Reader);
        var agent = await _dashboard.EnrollAsync("gpu-1", "gpu-1.example.net", "ml");
        // The real collector with the NVML stand-in's two GPUs; this machine has no sensors, so two are added.
        using var collector = MetricCollector.CreateDefault(TimeProvider.System, new MetricCollectorOptions { NvmlLibrary = FakeNvml.LibraryPath });
        TemperatureMetrics[] sensors = [new() { Name = "coretemp/Package id 0", Celsius = 61 }, new() { Name = "nvme0/Composite", Celsius = 39 }];
        await agent.ReportAsync("gpu-1", [
            collector.Collect() with { Seq = 1, Timestamp = DateTimeOffset.UtcNow.AddSeconds(-10), Temperatures = sensors },
            collector.Collect() with { Seq = 2, Timestamp = DateTimeOffset.UtcNow, Temperatures = sensors },
        ]);
        await using var context = await _dashboard.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await _dashboard.SignInAsync(context, reader.Token!, "gpu-1");

        await page.GotoAsync(_dashboard.Manager.Url + "#/agent/gpu-1");
        await page.Locator("#gpu-table tbody tr").Nth(1).WaitForAsync();
        await page.Locator("#temperature-chart canvas").WaitForAsync();
        await page.Locator("#gpu-chart canvas").WaitForAsync();

        var rows = await page.Locator("#gpu-table tbody tr").AllInnerTextsAsync();
        Assert.Equal("0\tNVIDIA H200\t37.0 %\t0 B of 140 GiB\t34 °C\t74.5 W of 700 W", rows[0]);
        Assert.StartsWith("1\tNVIDIA GeForce RTX 4090\t99.0 %\t", rows[1], StringComparison.Ordinal);
        var legend = await page.TextContentAsync("#temperature-section") ?? "";
        Assert.Contains("coretemp/Package id 0", legend, StringComparison.Ordinal);
        Assert.Contains("GPU 1", legend, StringComparison.Ordinal);
        Assert.Contains("GPU 0 memory", await page.TextContentAsync("#gpu-chart") ?? "", StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "agent-gpus.png"), FullPage = true });
    }

    [Fact]
    public async Task AnAppThatEmbedsTheAgent_ShowsItsProcessAndValues()
    {
        using var admin = _dashboard.Manager.AdminClient();
        var operatorKey = await admin.CreateApiKeyAsync("app-browser", KeyRole.Operator);
        // It offers a command of its own (no argument needed, not read-only) and one that needs an argument.
        var agent = await _dashboard.EnrollAsync("shop-orders", "shop.example.net", "web", [
            new CommandDefinition { Name = CommandNames.GetStatus, ReadOnly = true },
            new CommandDefinition { Name = "drain_orders", Description = "Processes queued orders now.", Arguments = [new() { Name = "max", Type = CommandArgumentType.Integer }] },
            new CommandDefinition { Name = CommandNames.SendFile, Arguments = [new() { Name = "path", Type = CommandArgumentType.String, Required = true }] },
        ]);
        ApplicationMetrics App(double queued) => new()
        {
            Name = "orders-api", Version = "2.4.0", ProcessId = 4711, StartTime = DateTimeOffset.UtcNow.AddHours(-1), CpuPercent = 3.5,
            WorkingSetBytes = 150L << 20, GcHeapBytes = 20L << 20, ThreadPoolThreads = 6,
            Values = new Dictionary<string, double> { ["orders.queued"] = queued, ["sessions"] = 40 },
        };
        await agent.ReportAsync("shop-orders", [
            BrowserDashboard.Snapshot(1, DateTimeOffset.UtcNow.AddSeconds(-10)) with { Application = App(12) },
            BrowserDashboard.Snapshot(2, DateTimeOffset.UtcNow) with { Application = App(17) },
        ]);
        var plain = await _dashboard.EnrollAsync("plain-1", "plain.example.net", "web");
        await plain.ReportAsync("plain-1", [BrowserDashboard.Snapshot(1, DateTimeOffset.UtcNow)]);
        await using var context = await _dashboard.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await _dashboard.SignInAsync(context, operatorKey.Token!, "shop-orders");

        await page.GotoAsync(_dashboard.Manager.Url + "#/agent/shop-orders");
        await page.Locator("#app-values tbody tr").Nth(1).WaitForAsync();
        await page.Locator("#app-values-chart canvas").WaitForAsync();

        var facts = await page.TextContentAsync("#app-facts") ?? "";
        Assert.Contains("orders-api 2.4.0", facts, StringComparison.Ordinal);
        Assert.Contains("3.5 % of the machine", facts, StringComparison.Ordinal);
        Assert.Contains("150 MiB working set, 20.0 MiB managed heap", facts, StringComparison.Ordinal);
        Assert.Equal(["orders.queued\t17", "sessions\t40"], await page.Locator("#app-values tbody tr").AllInnerTextsAsync());
        Assert.Contains("App CPU %", await page.TextContentAsync("#app-chart") ?? "", StringComparison.Ordinal);
        Assert.Contains("orders.queued", await page.TextContentAsync("#app-values-chart") ?? "", StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "agent-application.png"), FullPage = true });

        // The command list is what the agent offered, each with a field per argument; the app's own command asks first.
        Assert.Equal(["get_status", "drain_orders", "send_file"], await page.Locator("#command-name option").AllTextContentsAsync());
        Assert.Equal(0, await page.Locator("#command-arguments [data-argument]").CountAsync());
        string? asked = null;
        var accept = false;
        page.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            await (accept ? dialog.AcceptAsync() : dialog.DismissAsync());
        };
        await page.SelectOptionAsync("#command-name", "drain_orders");
        await page.FillAsync("#command-arguments input[data-argument='max']", "3");
        await page.ClickAsync("#command-form button[type=submit]");
        await TestNet.WaitUntilAsync(() => Task.FromResult(asked is not null), TimeSpan.FromSeconds(10), "the drain_orders confirmation");
        Assert.Equal("Run drain_orders on shop-orders? It is not read-only: Processes queued orders now.", asked);
        Assert.Empty(await admin.GetCommandsAsync("shop-orders"));

        // A required argument left empty: the form does not send; filled in and confirmed, the command goes out typed.
        await page.SelectOptionAsync("#command-name", "send_file");
        await page.ClickAsync("#command-form button[type=submit]");
        Assert.True(await page.Locator("#command-arguments input[data-argument='path']:invalid").IsVisibleAsync());
        await page.SelectOptionAsync("#command-name", "drain_orders");
        await page.FillAsync("#command-arguments input[data-argument='max']", "3");
        await page.Locator("#command-form").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "command-arguments.png") });
        accept = true;
        await page.ClickAsync("#command-form button[type=submit]");
        CommandRecord? queued = null;
        await TestNet.WaitUntilAsync(
            async () => (queued = (await admin.GetCommandsAsync("shop-orders")).SingleOrDefault()) is not null, TimeSpan.FromSeconds(10), "the drain_orders command");
        Assert.Equal("drain_orders", queued!.Name);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, queued.Arguments!["max"].ValueKind);
        Assert.Equal(3, queued.Arguments["max"].GetInt32());
        Assert.DoesNotContain(await admin.GetCommandsAsync("shop-orders"), c => c.Name == CommandNames.SendFile);

        await page.GotoAsync(_dashboard.Manager.Url + "#/agent/plain-1");
        await page.Locator("#agent-chart canvas").WaitForAsync();
        Assert.True(await page.Locator("#app-section").IsHiddenAsync());
    }
}
