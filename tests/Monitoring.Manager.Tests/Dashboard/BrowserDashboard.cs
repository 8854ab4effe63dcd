using Microsoft.Playwright;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.Manager.Tests.Dashboard;

/// <summary>
/// What the dashboard's browser tests share: a real manager over HTTPS, a headless Chromium, agents enrolled with a
/// host name, a label and the commands they offer, snapshots to report, and a signed-in page.
/// </summary>
internal sealed class BrowserDashboard : IAsyncDisposable
{
    /// <summary>Where each view's screenshot lands.</summary>
    public static readonly string Screenshots = Path.Combine(ServerProcess.RepoRoot, "artifacts", "screenshots");

    private readonly IPlaywright _playwright;

    private BrowserDashboard(TestManager manager, IPlaywright playwright, IBrowser browser)
    {
        Manager = manager;
        _playwright = playwright;
        Browser = browser;
    }

    public TestManager Manager { get; }

    public IBrowser Browser { get; }

    public static async Task<BrowserDashboard> StartAsync()
    {
        // Event streams last 2 s here, so a page lives through several reconnections in each test.
        var manager = await TestManager.StartAsync(https: true, "--dashboard:eventStreamLifetime", "2s");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Screenshots);
        return new BrowserDashboard(manager, playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Manager.DisposeAsync();
    }

    public async Task<Client.AgentConnection> EnrollAsync(string id, string hostname, string role, IReadOnlyList<CommandDefinition>? commands = null)
    {
        var connection = Manager.AgentConnection();
        var answer = await connection.RegisterAsync(
            new RegisterRequest { AgentId = id, Os = "linux", IntervalSeconds = 10, Hostname = hostname, Labels = new Dictionary<string, string> { ["role"] = role }, Commands = commands },
            Manager.EnrollmentToken);
        connection.Token = answer.AgentToken;
        return connection;
    }

    /// <summary>A page at 1280×800 signed in with <paramref name="token"/>, once the fleet lists <paramref name="agentId"/>.</summary>
    public async Task<IPage> SignInAsync(IBrowserContext context, string token, string agentId)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(Manager.Url.ToString());
        await page.FillAsync("#key", token);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await page.Locator($"tr[data-agent='{agentId}']").WaitForAsync();
        return page;
    }

    /// <summary>A snapshot of this machine, as a real agent would send it.</summary>
    public static async Task<MetricSnapshot> RealSnapshotAsync(long seq, DateTimeOffset at)
    {
        using var collector = MetricCollector.CreateDefault(TimeProvider.System);
        collector.Collect();
        await Task.Delay(200); // The interval the CPU percentages are measured over, not a wait for something.
        return collector.Collect() with { Seq = seq, Timestamp = at };
    }

    public static MetricSnapshot Snapshot(long seq, DateTimeOffset at) => TestManager.Snapshot(seq, at) with
    {
        Memory = new MemoryMetrics { TotalBytes = 1000, UsedBytes = 400, Percent = 40 },
    };
}
