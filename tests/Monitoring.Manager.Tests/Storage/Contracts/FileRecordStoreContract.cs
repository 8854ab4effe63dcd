using System.Text.Json;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>What every file record store must do, whatever its engine.</summary>
public abstract class FileRecordStoreContract : StoreContract
{
    private static FileRecord File(string id, string? agentId = "a1", FileStatus status = FileStatus.Complete, DateTimeOffset? created = null, long size = 100) => new()
    {
        Id = id, Name = id + ".log", AgentId = agentId, SourcePath = "/var/log/" + id + ".log", Size = size, Sha256 = new string('a', 64),
        Status = status, RequestedBy = "alice", CreatedAt = created ?? T0, CompletedAt = status == FileStatus.Complete ? created ?? T0 : null,
    };

    private Task OfferAsync(string fileId, string agentId, string commandId) => Stores.Commands.InsertCommandAsync(new CommandRecord
    {
        Id = commandId, AgentId = agentId, Name = CommandNames.ReceiveFile, Status = CommandStatus.Queued, CreatedAt = T0, ExpiresAt = T0.AddDays(30), TimeoutSeconds = 60,
        Arguments = new Dictionary<string, JsonElement> { ["fileId"] = JsonSerializer.SerializeToElement(fileId), ["path"] = JsonSerializer.SerializeToElement("/tmp/x") },
    }, default);

    [Fact]
    public async Task Files_RoundTrip_ListNewestFirst_AndCompleteOnce()
    {
        await Stores.Files.InsertFileAsync(File("f1", status: FileStatus.Uploading), default);
        await Stores.Files.InsertFileAsync(File("f2", agentId: null, created: T0.AddMinutes(1)), default);

        var f1 = await Stores.Files.GetFileAsync("f1", default);
        Assert.Equal(("f1.log", "a1", "/var/log/f1.log", 100L, FileStatus.Uploading, "alice", T0), (f1!.Name, f1.AgentId, f1.SourcePath, f1.Size, f1.Status, f1.RequestedBy, f1.CreatedAt));
        Assert.Null(f1.CompletedAt);
        Assert.Null(await Stores.Files.GetFileAsync("unknown", default));
        Assert.Equal(["f2", "f1"], (await Stores.Files.ListFilesAsync(10, default)).Select(f => f.Id));

        await Stores.Files.MarkFileCompleteAsync("f1", T0.AddMinutes(5), default);

        var done = await Stores.Files.GetFileAsync("f1", default);
        Assert.Equal((FileStatus.Complete, T0.AddMinutes(5)), (done!.Status, done.CompletedAt!.Value));
    }

    [Fact]
    public async Task Find_MatchesUploaderOriginAndContent_PreferringACompleteFile()
    {
        await Stores.Files.InsertFileAsync(File("partial", status: FileStatus.Uploading, created: T0.AddMinutes(2)) with { SourcePath = "/var/log/app.log" }, default);
        await Stores.Files.InsertFileAsync(File("whole", created: T0) with { SourcePath = "/var/log/app.log" }, default);
        var sha = new string('a', 64);

        Assert.Equal("whole", (await Stores.Files.FindFileAsync("a1", "alice", "/var/log/app.log", sha, 100, default))!.Id);
        Assert.Null(await Stores.Files.FindFileAsync("a1", "bob", "/var/log/app.log", sha, 100, default));
        Assert.Null(await Stores.Files.FindFileAsync("a2", "alice", "/var/log/app.log", sha, 100, default));
        Assert.Null(await Stores.Files.FindFileAsync("a1", "alice", "/var/log/app.log", sha, 101, default));
    }

    [Fact]
    public async Task Usage_CountsTheAgentsBytesAndEveryonesBytes()
    {
        await Stores.Files.InsertFileAsync(File("f1", size: 100), default);
        await Stores.Files.InsertFileAsync(File("f2", size: 50, status: FileStatus.Uploading), default);
        await Stores.Files.InsertFileAsync(File("f3", agentId: "a2", size: 7), default);

        Assert.Equal((150L, 157L), await Stores.Files.GetFileUsageAsync("a1", default));
        Assert.Equal((0L, 157L), await Stores.Files.GetFileUsageAsync(null, default));
    }

    [Fact]
    public async Task Retention_ListsStaleUploadsAndExpiredFiles_SparingAFileAnOpenCommandStillOffers()
    {
        await Stores.Files.InsertFileAsync(File("stale", status: FileStatus.Uploading), default);
        await Stores.Files.InsertFileAsync(File("fresh", status: FileStatus.Uploading, created: T0.AddHours(2)), default);
        await Stores.Files.InsertFileAsync(File("expired"), default);
        await Stores.Files.InsertFileAsync(File("offered"), default);
        await Stores.Files.InsertFileAsync(File("recent", created: T0.AddHours(2)), default);
        await OfferAsync("offered", "a1", "c1");

        Assert.True(await Stores.Files.IsFileOfferedToAsync("offered", "a1", default));
        Assert.False(await Stores.Files.IsFileOfferedToAsync("offered", "a2", default));
        Assert.False(await Stores.Files.IsFileOfferedToAsync("expired", "a1", default));
        Assert.Equal(["stale"], await Stores.Files.ListStaleUploadsAsync(T0.AddHours(1), default));
        Assert.Equal(["expired"], await Stores.Files.ListExpiredFilesAsync(T0.AddHours(1), default));

        await Stores.Commands.CompleteCommandAsync("a1", "c1", CommandStatus.Succeeded, null, null, T0.AddMinutes(1), default);

        Assert.False(await Stores.Files.IsFileOfferedToAsync("offered", "a1", default));
        Assert.Equal(["expired", "offered"], (await Stores.Files.ListExpiredFilesAsync(T0.AddHours(1), default)).Order());
    }

    [Fact]
    public async Task Delete_RemovesTheRecordOnce()
    {
        await Stores.Files.InsertFileAsync(File("f1"), default);

        Assert.True(await Stores.Files.DeleteFileAsync("f1", default));
        Assert.False(await Stores.Files.DeleteFileAsync("f1", default));
        Assert.Null(await Stores.Files.GetFileAsync("f1", default));
    }
}
