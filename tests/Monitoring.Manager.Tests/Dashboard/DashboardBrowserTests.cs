using System.Net.Http.Json;
using Microsoft.Playwright;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.Manager.Tests.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium against a real manager over HTTPS: sign in, the fleet with a real
/// report, an agent's chart gaining a point without a reload, agent-supplied text shown as text, sign out. A
/// screenshot of each view lands in artifacts/screenshots.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    /// <summary>What a hostile agent could send as its host name and labels: shown as text, it runs nothing.</summary>
    private const string HostileHost = "<img src=x onerror=\"window.__pwned=1\">";
    private const string HostileLabel = "<script>window.__pwned=2</script>";

    private BrowserDashboard _dashboard = null!;

    public async Task InitializeAsync() => _dashboard = await BrowserDashboard.StartAsync();

    public async Task DisposeAsync() => await _dashboard.DisposeAsync();

    [Fact]
    public async Task SignIn_SeeTheFleet_WatchAnAgentsChartGrow_ThenSignOut()
    {
        using var admin = _dashboard.Manager.AdminClient();
        var reader = await admin.CreateApiKeyAsync("browser", KeyRole.Reader);
        var agent = await _dashboard.EnrollAsync("web-1", "web-1.example.net", "web");
        await agent.ReportAsync("web-1", [await BrowserDashboard.RealSnapshotAsync(1, DateTimeOffset.UtcNow.AddSeconds(-20)), await BrowserDashboard.RealSnapshotAsync(2, DateTimeOffset.UtcNow.AddSeconds(-10))]);
        var evil = await _dashboard.EnrollAsync("evil-1", HostileHost, HostileLabel);
        await evil.ReportAsync("evil-1", [BrowserDashboard.Snapshot(1, DateTimeOffset.UtcNow)]);

        await using var context = await _dashboard.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var streams = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith(ApiRoutes.Events, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref streams);
            }
        };
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        await page.GotoAsync(_dashboard.Manager.Url.ToString());
        await page.Locator("#sign-in-form").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "sign-in.png") });
        await page.FillAsync("#key", "mon_adm_wrong");
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await page.Locator("#sign-in-error:has-text('not a usable admin key')").WaitForAsync();
        await page.FillAsync("#key", reader.Token!);
        await page.ClickAsync("#sign-in-form button[type=submit]");

        // The fleet, with a hostile agent's host name as text, not markup.
        var row = page.Locator("tr[data-agent='web-1']");
        await row.WaitForAsync();
        Assert.Equal(HostileHost, await page.Locator("tr[data-agent='evil-1'] td").Nth(2).TextContentAsync());
        Assert.Equal(0, await page.Locator("#fleet-table img").CountAsync());
        Assert.Contains("online", await row.Locator("td").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("browser (reader)", await page.TextContentAsync("#who"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "fleet.png"), FullPage = true });

        // The agent: facts as text, and a chart of the last hour that gains a point when the agent reports.
        await row.Locator("a").ClickAsync();
        await page.Locator("#agent-chart canvas").WaitForAsync();
        await page.Locator("#agent-points:has-text('2 points')").WaitForAsync();
        await agent.ReportAsync("web-1", [await BrowserDashboard.RealSnapshotAsync(3, DateTimeOffset.UtcNow)]);
        await page.Locator("#agent-points:has-text('3 points')").WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "agent.png"), FullPage = true });
        Assert.Equal(3, await page.Locator("#agent .chart canvas").CountAsync());

        // An ended event stream comes back by itself: after the manager has ended it, the next report still shows.
        await TestNet.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref streams) >= 2), TimeSpan.FromSeconds(15), "the event stream to be opened again");
        await agent.ReportAsync("web-1", [await BrowserDashboard.RealSnapshotAsync(4, DateTimeOffset.UtcNow)]);
        await page.Locator("#agent-points:has-text('4 points')").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });

        // A longer range comes from a rollup tier (a day: the 1-hour one).
        await page.SelectOptionAsync("#agent-range", "86400");
        await page.Locator("#agent-points:has-text('(1h)')").WaitForAsync();

        // The hostile agent's page: its label as text.
        await page.GotoAsync(_dashboard.Manager.Url + "#/agent/evil-1");
        await page.Locator("#agent-facts dd:has-text('onerror')").WaitForAsync();
        Assert.Contains(HostileLabel, await page.TextContentAsync("#agent-facts"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#agent-facts script, #agent-facts img").CountAsync());

        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        var stored = await page.EvaluateAsync<string>("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie + location.href");
        Assert.DoesNotContain(reader.Token!, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("mon_ses_", stored, StringComparison.Ordinal);

        // Sign out: the sign-in form is back and the old cookie no longer reads anything.
        await page.ClickAsync("#sign-out");
        await page.Locator("#sign-in-form").WaitForAsync();
        var status = await page.EvaluateAsync<int>("async () => (await fetch('/api/v1/fleet')).status");
        Assert.Equal(401, status);
        // The only errors the console may show are the refused requests of a signed-out page.
        var unexpected = errors.Where(e => !e.Contains("401", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    [Fact]
    public async Task AnOperator_AcknowledgesAnAlert_AndRunsACommand_WhileRestartAsksFirst()
    {
        using var admin = _dashboard.Manager.AdminClient();
        var op = await admin.CreateApiKeyAsync("oncall", KeyRole.Operator);
        // A receiver nobody listens for: the alert below makes it fail, and the alerts view shows it failing.
        await admin.SetReceiverAsync(new Receiver
        {
            Name = "pager", Webhook = new WebhookReceiver { Url = $"http://127.0.0.1:{TestNet.FreePort()}/hook" }, Route = new NotificationRoute { GroupWaitSeconds = 0 },
        });
        var agent = await _dashboard.EnrollAsync("db-1", "db-1.example.net", "database");
        await agent.ReportAsync("db-1", [await BrowserDashboard.RealSnapshotAsync(1, DateTimeOffset.UtcNow)]);
        await agent.SendAlertsAsync("db-1", [new AlertTransition
        {
            Fingerprint = "disk-full:/", Rule = "disk-full", State = AlertState.Firing, Severity = AlertSeverity.Critical,
            Timestamp = DateTimeOffset.UtcNow, Message = "Disk / is 97 % full",
        }]);

        // The agent's side of a command, through the SDK as the agent runtime does it: take it, answer it.
        using var stop = new CancellationTokenSource();
        var answering = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await agent.NextCommandAsync("db-1", [], TimeSpan.FromSeconds(5), stop.Token) is { } command)
                {
                    var result = System.Text.Json.JsonSerializer.SerializeToElement(new Monitoring.Commands.ProcessCountResult { Count = 123 }, MonitoringJsonContext.Default.ProcessCountResult);
                    await agent.PostCommandResultAsync("db-1", command.Id, new CommandResult { Success = true, Result = result }, stop.Token);
                }
            }
        });

        await using var context = await _dashboard.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_dashboard.Manager.Url.ToString());
        await page.FillAsync("#key", op.Token!);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await page.Locator("tr[data-agent='db-1'] td:has-text('1 firing')").WaitForAsync();

        await TestNet.WaitUntilAsync(
            async () => (await admin.GetReceiverAsync("pager")).Status!.State == ReceiverState.Failing, TimeSpan.FromSeconds(30), "the receiver to fail");
        await page.ClickAsync("nav a[href='#/alerts']");
        var alert = page.Locator("#alerts-table tr:has-text('disk-full')");
        await alert.WaitForAsync();
        await page.Locator("#receivers-table tr[data-receiver='pager'] td.critical:has-text('failing')").WaitForAsync();
        Assert.Contains("cannot reach", await page.Locator("#receivers-table tr[data-receiver='pager']").InnerTextAsync(), StringComparison.Ordinal);
        await alert.Locator("button:has-text('Acknowledge')").ClickAsync();
        await page.Locator("#alerts-table tr:has-text('by oncall')").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "alerts.png"), FullPage = true });
        Assert.Equal("oncall", (await admin.GetAlertsAsync("db-1")).Single().AcknowledgedBy);

        // A file the agent sent to the manager, listed on its page and downloadable with the session.
        var sent = Path.Combine(Path.GetTempPath(), $"dashboard-{Guid.NewGuid():N}.log");
        await File.WriteAllTextAsync(sent, "line one\nline two\n");
        try
        {
            await agent.UploadFileAsync(sent);
        }
        finally
        {
            File.Delete(sent);
        }

        await page.GotoAsync(_dashboard.Manager.Url + "#/agent/db-1");
        await page.Locator("#agent-alerts-table tr:has-text('disk-full')").WaitForAsync();
        var file = page.Locator($"#agent-files-table tr:has-text('{Path.GetFileName(sent)}')");
        await file.WaitForAsync();
        var href = await file.Locator("a:has-text('Download')").GetAttributeAsync("href");
        Assert.Equal("line one\nline two\n", await page.EvaluateAsync<string>("async (url) => await (await fetch(url)).text()", href));
        await page.SelectOptionAsync("#command-name", "get_process_count");
        await page.ClickAsync("#command-form button[type=submit]");
        await page.Locator("#command-output:has-text('123')").WaitForAsync();
        await page.Locator("#commands-table tr:has-text('get_process_count'):has-text('succeeded')").WaitForAsync();

        // Restart asks first; declining sends nothing.
        string? asked = null;
        page.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            await dialog.DismissAsync();
        };
        await page.SelectOptionAsync("#command-name", "restart");
        await page.ClickAsync("#command-form button[type=submit]");
        await TestNet.WaitUntilAsync(() => Task.FromResult(asked is not null), TimeSpan.FromSeconds(10), "the restart confirmation");
        Assert.Contains("Restart the agent on db-1", asked, StringComparison.Ordinal);
        Assert.DoesNotContain((await admin.GetCommandsAsync("db-1")).Select(c => c.Name), n => n == CommandNames.Restart);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "agent-commands.png"), FullPage = true });

        // The fleet's command history names who ran what where.
        await page.ClickAsync("nav a[href='#/commands']");
        await page.Locator("#fleet-commands-table tr:has-text('db-1'):has-text('get_process_count'):has-text('oncall')").WaitForAsync();

        // Silencing needs an admin: the operator is told so on the page.
        await page.ClickAsync("nav a[href='#/alerts']");
        await page.Locator("#alerts-table tr:has-text('disk-full') button:has-text('Silence')").ClickAsync();
        await page.Locator("#alerts-error:has-text('oncall')").WaitForAsync();

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answering);
    }

    [Fact]
    public async Task AnAdmin_SilencesAnAlertAndEndsTheSilence_AndAHostileAlertMessageIsText()
    {
        var agent = await _dashboard.EnrollAsync("mail-1", "mail-1.example.net", "mail");
        await agent.ReportAsync("mail-1", [BrowserDashboard.Snapshot(1, DateTimeOffset.UtcNow)]);
        await _dashboard.EnrollAsync("idle-1", "idle-1.example.net", "idle");
        await agent.SendAlertsAsync("mail-1", [new AlertTransition
        {
            Fingerprint = "queue", Rule = "mail-queue", State = AlertState.Firing, Severity = AlertSeverity.Warning,
            Timestamp = DateTimeOffset.UtcNow, Message = HostileLabel,
        }]);
        await using var context = await _dashboard.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_dashboard.Manager.Url.ToString());
        await page.FillAsync("#key", _dashboard.Manager.Admin.Token);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await page.Locator("tr[data-agent='mail-1']").WaitForAsync();

        // The status filter: only agents with firing alerts.
        await page.SelectOptionAsync("#status-filter", "alerting");
        await page.Locator("#fleet-more:has-text('1 matching agents')").WaitForAsync();
        Assert.Equal(0, await page.Locator("tr[data-agent='idle-1']").CountAsync());

        await page.ClickAsync("nav a[href='#/alerts']");
        var alert = page.Locator("#alerts-table tr:has-text('mail-queue')");
        await alert.WaitForAsync();
        Assert.Contains(HostileLabel, await alert.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#alerts-table script").CountAsync());
        await alert.Locator("button:has-text('Silence')").ClickAsync();
        var silence = page.Locator("#silences-table tr:has-text('mail-queue')");
        await silence.WaitForAsync();
        Assert.Contains("mail-1", await silence.TextContentAsync(), StringComparison.Ordinal);
        await silence.Locator("button:has-text('End')").ClickAsync();
        await page.Locator("#silences-table tbody tr").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
    }

    [Fact]
    public async Task OnAPhoneSizedScreen_TheFleetIsUsable()
    {
        using var admin = _dashboard.Manager.AdminClient();
        var reader = await admin.CreateApiKeyAsync("phone", KeyRole.Reader);
        var agent = await _dashboard.EnrollAsync("phone-1", HostileHost, HostileLabel);
        await agent.ReportAsync("phone-1", [BrowserDashboard.Snapshot(1, DateTimeOffset.UtcNow)]);
        await using var context = await _dashboard.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true, ViewportSize = new ViewportSize { Width = 390, Height = 844 }, ColorScheme = ColorScheme.Dark,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_dashboard.Manager.Url.ToString());
        // Keyboard only: the key field has focus, Enter submits.
        await page.Locator("#key:focus").WaitForAsync();
        await page.Keyboard.TypeAsync(reader.Token!);
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("tr[data-agent='phone-1']").WaitForAsync();
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(16, 20, 24)", background);
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page scrolls sideways on a phone (only the table may)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserDashboard.Screenshots, "fleet-phone-dark.png"), FullPage = true });
    }

}
