using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Manager.Files;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Security;

/// <summary>Nothing an agent sends may grow without bound: quotas, time-to-live, retention and one poll per agent.</summary>
public sealed class LimitsTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Announce(string name, long size) => $$"""{"name":"{{name}}","size":{{size}},"sha256":"{{new string('a', 64)}}"}""";

    [Fact]
    public async Task FileStoreQuotas_PerAgentAndInAll_Are507WithWhatToDo()
    {
        await using var manager = await TestManager.StartAsync("--files:maxBytesPerAgent", "1000", "--files:maxStoreBytes", "1500");
        var (_, token) = await manager.EnrollAsync("a1");
        using var agent = manager.Http(token);
        using var admin = manager.Http(manager.Admin.Token);

        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsync(ApiRoutes.Files, Json(Announce("one", 800)))).StatusCode);
        var overAgent = await agent.PostAsync(ApiRoutes.Files, Json(Announce("two", 300)));
        Assert.Equal(HttpStatusCode.InsufficientStorage, overAgent.StatusCode);
        Assert.Contains("files:maxBytesPerAgent", await overAgent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var overStore = await admin.PostAsync(ApiRoutes.Files, Json(Announce("three", 800)));
        Assert.Equal(HttpStatusCode.InsufficientStorage, overStore.StatusCode);
        Assert.Contains(ErrorCodes.QuotaExceeded, await overStore.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AbandonedUploads_AndOrphanPartFiles_AreRemovedAfterTheirTimeToLive()
    {
        await using var manager = await TestManager.StartAsync();
        using var admin = manager.Http(manager.Admin.Token);
        var created = await admin.PostAsync(ApiRoutes.Files, Json(Announce("half", 10)));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var chunk = new ByteArrayContent(new byte[5]);
        chunk.Headers.ContentRange = new ContentRangeHeaderValue(0, 4, 10);
        (await admin.PutAsync(ApiRoutes.ForFileContent(id), chunk)).EnsureSuccessStatusCode();
        var files = Path.Combine(manager.DataDir, "files");
        var orphan = Path.Combine(files, new string('b', 32) + ".part");
        await File.WriteAllTextAsync(orphan, "left behind");
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddDays(-3));
        Assert.True(File.Exists(Path.Combine(files, id + ".part")));
        await manager.StopAsync();

        var options = new ManagerOptions { DataDirectory = manager.DataDir, UploadTtl = TimeSpan.FromHours(1) };
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        using var database = new SqliteDatabase(manager.DataDir);
        var store = new SqliteFileRecordStore(database);
        await store.InitializeAsync(CancellationToken.None);
        var history = new Monitoring.Manager.Storage.History.SqliteHistoryStore(database);
        var retention = new RetentionService(
            new SqliteAlertStore(database), new SqliteNotificationStore(database), new Monitoring.Manager.Cluster.SoloLeadership(), new SqliteCommandStore(database), store, history, new FileStore(options), options, later, NullLogger<RetentionService>.Instance);

        await retention.RunOnceAsync(CancellationToken.None);

        Assert.Null(await store.GetFileAsync(id, CancellationToken.None));
        Assert.Empty(Directory.GetFiles(files));
    }

    [Fact]
    public async Task CompletedFiles_AreRemovedWithTheirBytesAfterTheirRetention()
    {
        await using var manager = await TestManager.StartAsync();
        var source = Path.Combine(manager.DataDir, "report.txt");
        await File.WriteAllTextAsync(source, "quarterly numbers");
        FileRecord stored;
        using (var admin = manager.AdminClient())
        {
            stored = await admin.UploadFileAsync(source);
        }

        var files = Path.Combine(manager.DataDir, "files");
        Assert.NotEmpty(Directory.GetFiles(files));
        await manager.StopAsync();

        var options = new ManagerOptions { DataDirectory = manager.DataDir, FileRetention = TimeSpan.FromDays(30) };
        using var database = new SqliteDatabase(manager.DataDir);
        var records = new SqliteFileRecordStore(database);
        await records.InitializeAsync(CancellationToken.None);
        RetentionService Retention(DateTimeOffset at) => new(
            new SqliteAlertStore(database), new SqliteNotificationStore(database), new Monitoring.Manager.Cluster.SoloLeadership(), new SqliteCommandStore(database), records, new Monitoring.Manager.Storage.History.SqliteHistoryStore(database),
            new FileStore(options), options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(at), NullLogger<RetentionService>.Instance);

        await Retention(DateTimeOffset.UtcNow.AddDays(29)).RunOnceAsync(CancellationToken.None);
        Assert.NotNull(await records.GetFileAsync(stored.Id, CancellationToken.None));

        await Retention(DateTimeOffset.UtcNow.AddDays(31)).RunOnceAsync(CancellationToken.None);
        Assert.Null(await records.GetFileAsync(stored.Id, CancellationToken.None));
        Assert.Empty(Directory.GetFiles(files));
    }

    [Fact]
    public async Task Retention_RemovesOldAlertsCommandsAndSilences()
    {
        await using var manager = await TestManager.StartAsync();
        var (agent, _) = await manager.EnrollAsync("a1");
        await agent.SendAlertsAsync("a1", [new AlertTransition { Fingerprint = "f", Rule = "r", State = AlertState.Firing, Timestamp = DateTimeOffset.UtcNow }]);
        using (var admin = manager.AdminClient())
        {
            await admin.SubmitCommandAsync("a1", "get_status");
            var delivery = await agent.NextCommandAsync("a1", [], TimeSpan.Zero);
            await agent.PostCommandResultAsync("a1", delivery!.Id, new CommandResult { Success = false, Error = "x" });
            await admin.AddSilenceAsync("a1", null, DateTimeOffset.UtcNow.AddSeconds(30));
        }

        await manager.StopAsync();
        using var database = new SqliteDatabase(manager.DataDir);
        var store = new SqliteAlertStore(database);
        await store.InitializeAsync(CancellationToken.None);
        var future = DateTimeOffset.UtcNow.AddDays(1);

        Assert.Equal(1, await store.PurgeAlertsAsync(future, CancellationToken.None));
        Assert.Equal(1, await new SqliteCommandStore(database).PurgeCommandsAsync(future, CancellationToken.None));
        Assert.Equal(1, await store.PurgeSilencesAsync(future, CancellationToken.None));
        Assert.Empty(await store.GetAlertsAsync(new AlertQuery(null, null, null, null, 100), CancellationToken.None));
    }

    [Fact]
    public async Task ANewLongPoll_EndsTheOneTheAgentHeldBefore()
    {
        await using var manager = await TestManager.StartAsync();
        var (_, token) = await manager.EnrollAsync("a1");
        using var first = manager.Http(token);
        using var second = manager.Http(token);
        var watch = Stopwatch.StartNew();

        var held = first.GetAsync(ApiRoutes.ForNextCommand("a1") + "?wait=50");
        var broker = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Monitoring.Manager.Commands.CommandBroker>(manager.Services);
        await TestNet.WaitUntilAsync(() => Task.FromResult(broker.OpenPolls == 1), TimeSpan.FromSeconds(10), "the first poll to be held");
        var replacing = second.GetAsync(ApiRoutes.ForNextCommand("a1") + "?wait=1");

        Assert.Equal(HttpStatusCode.NoContent, (await held).StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the first poll was held {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.NoContent, (await replacing).StatusCode);
    }

    [Fact]
    public async Task History_StreamsUpToTheLimit_InTheSameShape()
    {
        await using var manager = await TestManager.StartAsync();
        var (agent, _) = await manager.EnrollAsync("a1");
        await agent.ReportAsync("a1", [.. Enumerable.Range(1, 300).Select(i => TestManager.Snapshot(i))]);
        using var admin = manager.AdminClient();

        var history = await admin.GetStatusHistoryAsync("a1", limit: 250);

        Assert.Equal(250, history.Count);
        Assert.Equal(300, history[0].Seq);
        Assert.Equal("/", history[0].Disks[0].Mount);
    }
}
