using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Files;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

public sealed class FilesApiTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-files-").FullName;
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync("--max-file-bytes", (64L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async Task DisposeAsync()
    {
        await _manager.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string Store => Path.Combine(_manager.DataDir, "files");

    private string MakeFile(string name, int bytes)
    {
        var path = Path.Combine(_dir, name);
        var data = new byte[bytes];
        new Random(bytes).NextBytes(data);
        File.WriteAllBytes(path, data);
        return path;
    }

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task AdminUploadAndDownload_RoundTripByteForByte(int size)
    {
        var source = MakeFile("source.bin", size);
        using var admin = _manager.AdminClient();
        var reports = new List<TransferProgress>();

        var stored = await admin.UploadFileAsync(source, new SyncProgress(reports.Add));
        var back = Path.Combine(_dir, "back.bin");
        await admin.DownloadFileAsync(stored.Id, back);

        Assert.Equal(FileStatus.Complete, stored.Status);
        Assert.Equal(Sha(source), stored.Sha256);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(back));
        Assert.True(reports[^1].Completed);
        Assert.Equal(size, reports[^1].BytesTransferred);
        Assert.Equal(source, stored.SourcePath);
        Assert.Equal("admin", stored.RequestedBy);
        Assert.Equal([stored.Id], Directory.GetFiles(Store).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(_dir, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AClientNameLikeDotDotSlash_LandsUnderAServerName()
    {
        using var http = _manager.Http(_manager.Admin.Token);
        var data = Encoding.UTF8.GetBytes("payload");
        var sha = Convert.ToHexStringLower(SHA256.HashData(data));

        var created = await http.PostAsync("/api/v1/files", Json($"{{\"name\":\"../../x\",\"size\":{data.Length},\"sha256\":\"{sha}\"}}"));
        var record = JsonSerializer.Deserialize(await created.Content.ReadAsStringAsync(), MonitoringJsonContext.Default.FileRecord)!;
        var put = new ByteArrayContent(data);
        put.Headers.ContentRange = new ContentRangeHeaderValue(0, data.Length - 1, data.Length);
        var done = await http.PutAsync($"/api/v1/files/{record.Id}/content", put);
        var download = await http.GetAsync($"/api/v1/files/{record.Id}/content");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("../../x", record.Name);
        Assert.Equal([record.Id], Directory.GetFiles(Store).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(_manager.DataDir, "..", "x")));
        Assert.False(File.Exists(Path.Combine(_manager.DataDir, "x")));
        Assert.Equal("x", download.Content.Headers.ContentDisposition!.FileName);
        Assert.Equal(sha, download.Headers.GetValues("X-Checksum-Sha256").Single());
        Assert.Equal("payload", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFileOverTheLimit_Is413AndLeavesNothing()
    {
        using var http = _manager.Http(_manager.Admin.Token);

        var response = await http.PostAsync("/api/v1/files", Json($"{{\"name\":\"big\",\"size\":{(64L << 20) + 1},\"sha256\":\"{new string('a', 64)}\"}}"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("maxFileBytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Store));
        using var admin = _manager.AdminClient();
        Assert.Empty(await admin.GetFilesAsync());
    }

    [Fact]
    public async Task CorruptedUpload_Is422AndNothingIsKept()
    {
        using var http = _manager.Http(_manager.Admin.Token);
        var data = Encoding.UTF8.GetBytes("the real bytes");
        var wrongSha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("other bytes")));
        var created = await http.PostAsync("/api/v1/files", Json($"{{\"name\":\"f\",\"size\":{data.Length},\"sha256\":\"{wrongSha}\"}}"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var put = new ByteArrayContent(data);
        put.Headers.ContentRange = new ContentRangeHeaderValue(0, data.Length - 1, data.Length);

        var response = await http.PutAsync($"/api/v1/files/{id}/content", put);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(ErrorCodes.ChecksumMismatch, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Store));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/files/{id}")).StatusCode);
    }

    [Fact]
    public async Task InterruptedUpload_ResumesWhereItStopped_AndRefusesToStartOver()
    {
        var source = MakeFile("big.bin", 8 << 20);
        using var http = _manager.Http(_manager.Admin.Token);
        var created = await http.PostAsync("/api/v1/files", Json(
            $"{{\"name\":\"big.bin\",\"size\":{8 << 20},\"sha256\":\"{Sha(source)}\",\"sourcePath\":\"{source}\"}}"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        // The connection breaks after 3 MiB of the body.
        var broken = new StreamContent(new FailingStream(File.OpenRead(source), 3 << 20));
        broken.Headers.ContentRange = new ContentRangeHeaderValue(0, (8 << 20) - 1, 8 << 20);
        await Assert.ThrowsAnyAsync<Exception>(() => http.PutAsync($"/api/v1/files/{id}/content", broken));
        using var admin = _manager.AdminClient();

        // Starting over is refused with the offset to resume from, once the server has noticed the broken request.
        // The probe carries the file's real first bytes: should the server have kept nothing of the broken request,
        // the probe is accepted as the start of the file rather than corrupting it.
        JsonElement problem = default;
        HttpStatusCode status = 0;
        var firstBytes = File.ReadAllBytes(source)[..16];
        await TestNet.WaitUntilAsync(
            async () =>
            {
                var restart = new ByteArrayContent(firstBytes);
                restart.Headers.ContentRange = new ContentRangeHeaderValue(0, 15, 8 << 20);
                var refused = await http.PutAsync($"/api/v1/files/{id}/content", restart);
                status = refused.StatusCode;
                problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
                return status == HttpStatusCode.Conflict && problem.TryGetProperty("received", out _);
            },
            TimeSpan.FromSeconds(10),
            "the server to finish the broken request");
        var received = (await admin.GetFileAsync(id)).Received;
        var resumed = await admin.UploadFileAsync(source);

        Assert.InRange(received, 1, 3 << 20);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(ErrorCodes.OffsetMismatch, problem.GetProperty("code").GetString());
        Assert.Equal(received, problem.GetProperty("received").GetInt64());
        Assert.Equal(id, resumed.Id);
        Assert.Equal(FileStatus.Complete, resumed.Status);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(Path.Combine(Store, id)));
    }

    [Fact]
    public async Task InterruptedDownload_ResumesFromItsTemporaryFile()
    {
        var source = MakeFile("big.bin", 16 << 20);
        var (agent, _) = await _manager.EnrollAsync("a1");
        var stored = await agent.UploadFileAsync(source);
        var destination = Path.Combine(_dir, "copy.bin");

        using var cts = new CancellationTokenSource();
        var cut = new SyncProgress(p =>
        {
            if (p.BytesTransferred > 2 << 20)
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => agent.DownloadFileAsync(stored.Id, destination, false, cut, cts.Token));
        // The documented temporary name: hidden, beside the destination, keyed by the file id.
        var partial = Path.Combine(_dir, $".copy.bin.{stored.Id}.part");
        var partialLength = new FileInfo(partial).Length;
        var (record, resumedFrom) = await agent.DownloadFileAsync(stored.Id, destination, false);

        Assert.False(File.Exists(destination + ".part"));
        Assert.True(partialLength > 0);
        Assert.Equal(partialLength, resumedFrom);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(destination));
        Assert.False(File.Exists(partial));
        Assert.Equal("a1", record.AgentId);
    }

    [Fact]
    public async Task Agents_ReadOnlyTheirOwnUploadsOrFilesOfferedToThem()
    {
        var (a, _) = await _manager.EnrollAsync("a1");
        var (b, _) = await _manager.EnrollAsync("b1");
        var stored = await a.UploadFileAsync(MakeFile("secret.txt", 100));

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => b.DownloadFileAsync(stored.Id, Path.Combine(_dir, "stolen"), false));

        Assert.Equal(ErrorCodes.FileNotFound, ex.Code);
        Assert.False(File.Exists(Path.Combine(_dir, "stolen")));
    }

    [Fact]
    public async Task ListGetAndDelete()
    {
        using var admin = _manager.AdminClient();
        var stored = await admin.UploadFileAsync(MakeFile("a.txt", 10));

        Assert.Equal(stored.Id, Assert.Single(await admin.GetFilesAsync()).Id);
        await admin.DeleteFileAsync(stored.Id);

        Assert.Empty(await admin.GetFilesAsync());
        Assert.Empty(Directory.GetFiles(Store));
        var gone = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.GetFileAsync(stored.Id));
        Assert.Equal(ErrorCodes.FileNotFound, gone.Code);
    }

    private sealed class SyncProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }

    /// <summary>Reads normally until <paramref name="failAfter"/> bytes, then fails like a dropped connection.</summary>
    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= failAfter)
            {
                throw new IOException("connection cut");
            }

            var n = inner.Read(buffer, offset, (int)Math.Min(count, failAfter - _read));
            _read += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
