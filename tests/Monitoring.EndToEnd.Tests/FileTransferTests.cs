using System.Security.Cryptography;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Files;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

public sealed class FileTransferTests : IDisposable
{
    private const long OneGiB = 1L << 30;
    private readonly Fleet _fleet = new();
    private readonly string _readRoot;
    private readonly string _writeRoot;
    private readonly string _outside;
    private readonly string _local;

    public FileTransferTests()
    {
        _readRoot = Directory.CreateDirectory(Path.Combine(_fleet.Root, "agent-files", "out")).FullName;
        _writeRoot = Directory.CreateDirectory(Path.Combine(_fleet.Root, "agent-files", "in")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_fleet.Root, "private")).FullName;
        _local = Directory.CreateDirectory(Path.Combine(_fleet.Root, "admin")).FullName;
    }

    public void Dispose() => _fleet.Dispose();

    private async Task<(ServerProcess Agent, ManagerClient Admin)> StartAsync(string id)
    {
        await _fleet.StartManagerAsync();
        var config = _fleet.WriteConfig("files.yaml", $"files:\n  read: [{_readRoot}]\n  write: [{_writeRoot}]\n");
        var agent = _fleet.StartAgent(id, "5s", config: config);
        var admin = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == id), TimeSpan.FromSeconds(30), "the agent");
        return (agent, admin);
    }


    private static string Sha(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }


    [Fact]
    public async Task AgentToAdmin_EmptySmallAndLarge_ArriveIdentical_WithFlatAgentMemory()
    {
        var (agent, admin) = await StartAsync("files1");
        using (admin)
        {
            foreach (var (name, size) in new[] { ("empty.bin", 0L), ("small.txt", 1234L) })
            {
                var remote = TestFiles.Generate(Path.Combine(_readRoot, name), size);
                var local = Path.Combine(_local, name);

                var record = await admin.ReceiveFileFromAgentAsync("files1", remote, local);

                Assert.Equal(size, new FileInfo(local).Length);
                Assert.Equal(Sha(remote), Sha(local));
                Assert.Equal(remote, record.SourcePath);
                Assert.Equal("files1", record.AgentId);
            }

            var big = TestFiles.Generate(Path.Combine(_readRoot, "big.bin"), OneGiB);
            var before = TestFiles.PeakRss(agent.Id);
            var reports = new List<TransferProgress>();
            var bigLocal = Path.Combine(_local, "big.bin");

            await admin.ReceiveFileFromAgentAsync("files1", big, bigLocal, timeout: TimeSpan.FromMinutes(5), progress: new Progress(reports.Add));

            Assert.Equal(Sha(big), Sha(bigLocal));
            Assert.True(TestFiles.PeakRss(agent.Id) - before < 64L << 20, $"agent peak RSS grew by {(TestFiles.PeakRss(agent.Id) - before) >> 20} MiB during a 1 GiB upload");
            Assert.True(reports[^1].Completed);
            Assert.Equal(OneGiB, reports[^1].BytesTransferred);
            Assert.Empty(Directory.GetFiles(_local, "*.part"));
        }
    }

    [Fact]
    public async Task AdminToAgent_EmptySmallAndLarge_ArriveIdentical_WithFlatAgentMemory()
    {
        var (agent, admin) = await StartAsync("files2");
        using (admin)
        {
            foreach (var (name, size) in new[] { ("empty.bin", 0L), ("small.txt", 1234L) })
            {
                var local = TestFiles.Generate(Path.Combine(_local, name), size);
                var remote = Path.Combine(_writeRoot, name);

                var result = await admin.SendFileToAgentAsync("files2", local, remote);

                Assert.Equal(Sha(local), Sha(remote));
                Assert.Equal(remote, result.Path);
                Assert.Equal(Sha(local), result.Sha256);
            }

            var big = TestFiles.Generate(Path.Combine(_local, "big.bin"), OneGiB);
            var before = TestFiles.PeakRss(agent.Id);

            var bigResult = await admin.SendFileToAgentAsync("files2", big, Path.Combine(_writeRoot, "big.bin"), timeout: TimeSpan.FromMinutes(5));

            Assert.Equal(Sha(big), Sha(Path.Combine(_writeRoot, "big.bin")));
            Assert.Equal(OneGiB, bigResult.Size);
            Assert.True(TestFiles.PeakRss(agent.Id) - before < 64L << 20, $"agent peak RSS grew by {(TestFiles.PeakRss(agent.Id) - before) >> 20} MiB during a 1 GiB download");
            Assert.Empty(Directory.GetFiles(_writeRoot, "*.part", SearchOption.AllDirectories).Concat(Directory.GetFiles(_writeRoot, ".*")));

            var exists = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SendFileToAgentAsync("files2", big, Path.Combine(_writeRoot, "small.txt")));
            Assert.Contains("already exists", exists.Message, StringComparison.Ordinal);
            Assert.Equal(1234, new FileInfo(Path.Combine(_writeRoot, "small.txt")).Length);
        }
    }

    [Fact]
    public async Task PathsOutsideTheAllowedFolders_AreRefused_AndNothingIsReadOrWritten()
    {
        var (_, admin) = await StartAsync("files3");
        using (admin)
        {
            File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
            File.CreateSymbolicLink(Path.Combine(_readRoot, "link.txt"), Path.Combine(_outside, "secret.txt"));
            Directory.CreateSymbolicLink(Path.Combine(_writeRoot, "linkdir"), _outside);
            var payload = TestFiles.Generate(Path.Combine(_local, "payload.txt"), 10);
            string[] reads =
            [
                _readRoot + "/../private/secret.txt",
                Path.Combine(_outside, "secret.txt"),
                _readRoot + "/%2e%2e%2fprivate/secret.txt",
                Path.Combine(_readRoot, "link.txt"),
                _readRoot + "/ok\0.txt",
                _readRoot + "/" + new string('a', 300),
                "/etc/passwd",
            ];
            string[] writes =
            [
                _writeRoot + "/../private/planted.txt",
                Path.Combine(_outside, "planted.txt"),
                _writeRoot + "/%2e%2e%2fprivate/planted.txt",
                Path.Combine(_writeRoot, "linkdir", "planted.txt"),
                _writeRoot + "/x\0.txt",
                _writeRoot + "/" + new string('a', 300),
            ];

            foreach (var path in reads)
            {
                var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.ReceiveFileFromAgentAsync("files3", path, Path.Combine(_local, "stolen.txt")));
                Assert.Contains("send_file on agent 'files3' failed", ex.Message, StringComparison.Ordinal);
            }

            foreach (var path in writes)
            {
                var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SendFileToAgentAsync("files3", payload, path));
                Assert.Contains("receive_file on agent 'files3' failed", ex.Message, StringComparison.Ordinal);
            }

            Assert.False(File.Exists(Path.Combine(_local, "stolen.txt")));
            Assert.Equal(["secret.txt"], Directory.GetFiles(_outside).Select(Path.GetFileName));
            Assert.DoesNotContain(await admin.GetFilesAsync(), f => f.AgentId == "files3");
            var sendFiles = (await admin.GetCommandsAsync("files3")).Where(c => c.Name == CommandNames.SendFile).ToList();
            Assert.Equal(reads.Length, sendFiles.Count);
            Assert.All(sendFiles, c => Assert.Equal(CommandStatus.Failed, c.Status));
            Assert.Contains("outside the folders this agent may read", sendFiles.Single(c => c.Arguments!["path"].GetString() == "/etc/passwd").Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FileAccess_IsOffWithoutConfiguration()
    {
        await _fleet.StartManagerAsync();
        _fleet.StartAgent("files4", "5s");
        using var admin = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "files4"), TimeSpan.FromSeconds(30), "the agent");
        var file = TestFiles.Generate(Path.Combine(_readRoot, "a.txt"), 10);

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.ReceiveFileFromAgentAsync("files4", file, Path.Combine(_local, "a.txt")));

        Assert.Contains("File read access is off on this agent", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptedStoredFile_IsDetected_AndNothingIsPutInPlace()
    {
        var (_, admin) = await StartAsync("files5");
        using (admin)
        {
            var local = TestFiles.Generate(Path.Combine(_local, "data.bin"), 100_000);
            var stored = await admin.UploadFileAsync(local);
            var onDisk = Path.Combine(_fleet.DataDir, "files", stored.Id);
            var bytes = File.ReadAllBytes(onDisk);
            bytes[50_000] ^= 0xFF;
            File.WriteAllBytes(onDisk, bytes);

            var record = await admin.InvokeCommandAsync("files5", CommandNames.ReceiveFile,
                new Dictionary<string, object?> { ["fileId"] = stored.Id, ["path"] = Path.Combine(_writeRoot, "data.bin") });
            var adminCopy = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.DownloadFileAsync(stored.Id, Path.Combine(_local, "copy.bin")));

            Assert.Equal(CommandStatus.Failed, record.Status);
            Assert.Contains("corrupted", record.Error, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(_writeRoot));
            Assert.Equal(ErrorCodes.ChecksumMismatch, adminCopy.Code);
            Assert.False(File.Exists(Path.Combine(_local, "copy.bin")));
            Assert.Empty(Directory.GetFiles(_local, ".*"));
        }
    }

    [Fact]
    public async Task AgentKilledMidDownload_ResumesAfterRestart_WithoutStartingOver()
    {
        var (agent, admin) = await StartAsync("files6");
        using (admin)
        {
            var big = TestFiles.Generate(Path.Combine(_local, "big.bin"), OneGiB);
            var stored = await admin.UploadFileAsync(big);
            var destination = Path.Combine(_writeRoot, "big.bin");
            var command = await admin.SubmitCommandAsync("files6", CommandNames.ReceiveFile,
                new Dictionary<string, object?> { ["fileId"] = stored.Id, ["path"] = destination }, timeout: TimeSpan.FromMinutes(5));
            var partial = Path.Combine(_writeRoot, $".big.bin.{stored.Id}.part");
            await TestNet.WaitUntilAsync(
                () => Task.FromResult(File.Exists(partial) && new FileInfo(partial).Length > 64L << 20), TimeSpan.FromSeconds(60), "the download to be under way");

            await agent.KillAsync();
            var cut = new FileInfo(partial).Length;
            _fleet.StartAgent("files6", "5s", config: Path.Combine(_fleet.Root, "files.yaml"));
            await TestNet.WaitUntilAsync(
                async () => (await admin.GetCommandAsync(command.Id)).Status is not CommandStatus.Queued and not CommandStatus.Delivered,
                TimeSpan.FromMinutes(3), "the resumed download to finish");

            var done = await admin.GetCommandAsync(command.Id);
            Assert.True(done.Status == CommandStatus.Succeeded, done.Error);
            var result = done.Result!.Value.Deserialize(MonitoringJsonContext.Default.ReceiveFileResult)!;
            Assert.InRange(result.ResumedFrom, 1, OneGiB - 1);
            Assert.True(result.ResumedFrom >= cut - (4 << 20), $"resumed from {result.ResumedFrom}, but {cut} bytes were on disk at the kill");
            Assert.Equal(Sha(big), Sha(destination));
            Assert.False(File.Exists(partial));
        }
    }

    private sealed class Progress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
