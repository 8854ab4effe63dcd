using System.Diagnostics;
using Monitoring.Agent;
using Monitoring.Client;
using Monitoring.Files;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Agent;

/// <summary>
/// What a local user who can write into an agent's allowed folders might plant there (links, FIFOs, hard links)
/// must not redirect a transfer outside them, nor freeze the command channel.
/// </summary>
public sealed class AgentFileSafetyTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("monitoring-files-").FullName;
    private TestManager _manager = null!;
    private AgentRuntime _agent = null!;
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private ManagerClient _admin = null!;

    private string Read => Path.Combine(_root, "read");

    private string Write => Path.Combine(_root, "write");

    private string Outside => Path.Combine(_root, "outside");

    public async Task InitializeAsync()
    {
        foreach (var dir in new[] { Read, Write, Outside, Path.Combine(_root, "state") })
        {
            Directory.CreateDirectory(dir);
        }

        _manager = await TestManager.StartAsync();
        _agent = new AgentRuntime(new AgentRuntimeOptions
        {
            ManagerUrl = _manager.Url,
            AgentId = "files1",
            EnrollmentToken = _manager.EnrollmentToken,
            StateDirectory = Path.Combine(_root, "state"),
            Interval = TimeSpan.FromSeconds(1),
            Files = new FilePolicy([Read], [Write]),
        });
        _run = _agent.RunAsync(_stop.Token);
        _admin = _manager.AdminClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _admin.GetAgentsAsync()).All(a => a.Status != AgentState.Online))
        {
            Assert.True(DateTime.UtcNow < deadline, "the agent did not come online");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _agent.Dispose();
        _admin.Dispose();
        await _manager.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<CommandRecord> RunAsync(string name, params (string Key, object? Value)[] arguments) =>
        await _admin.InvokeCommandAsync("files1", name, arguments.Select(a => new KeyValuePair<string, object?>(a.Key, a.Value)), TimeSpan.FromSeconds(20));

    private async Task<FileRecord> StoreAsync(string content)
    {
        var local = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(local, content);
        return await _admin.UploadFileAsync(local);
    }

    [Fact]
    public async Task PlantedSymlinkedPartFile_IsNotFollowed_AndTheCommandFailsAtOnce()
    {
        var victim = Path.Combine(Outside, "victim.txt");
        await File.WriteAllTextAsync(victim, "original");
        var stored = await StoreAsync("payload");
        var destination = Path.Combine(Write, "dest.txt");
        File.CreateSymbolicLink(PartPath(destination, stored.Id), victim);
        var watch = Stopwatch.StartNew();

        var outcome = await RunAsync(CommandNames.ReceiveFile, ("fileId", stored.Id), ("path", destination));

        Assert.Equal(CommandStatus.Failed, outcome.Status);
        Assert.Contains("symbolic link", outcome.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal("original", await File.ReadAllTextAsync(victim));
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public async Task PlantedHardLinkedPartFile_IsNotAppendedTo()
    {
        var victim = Path.Combine(Outside, "victim.txt");
        await File.WriteAllTextAsync(victim, "original");
        var stored = await StoreAsync("payload-longer-than-original");
        var destination = Path.Combine(Write, "dest.txt");
        Link(victim, PartPath(destination, stored.Id));

        var outcome = await RunAsync(CommandNames.ReceiveFile, ("fileId", stored.Id), ("path", destination));

        Assert.Equal(CommandStatus.Failed, outcome.Status);
        Assert.Contains("hard link", outcome.Error, StringComparison.Ordinal);
        Assert.Equal("original", await File.ReadAllTextAsync(victim));
    }

    [Fact]
    public async Task FifoInAReadFolder_IsRefused_AndTheCommandChannelKeepsWorking()
    {
        var fifo = Path.Combine(Read, "pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo])!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        var watch = Stopwatch.StartNew();

        var outcome = await RunAsync(CommandNames.SendFile, ("path", fifo));

        Assert.Equal(CommandStatus.Failed, outcome.Status);
        Assert.Contains("not a regular file", outcome.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(CommandStatus.Succeeded, (await RunAsync(CommandNames.GetStatus)).Status);
    }

    [Fact]
    public async Task HardLinkInAReadFolder_IsRefused_UnlessConfigured()
    {
        var secret = Path.Combine(Outside, "secret");
        await File.WriteAllTextAsync(secret, "do not send");
        var link = Path.Combine(Read, "innocent.log");
        Link(secret, link);

        var outcome = await RunAsync(CommandNames.SendFile, ("path", link));

        Assert.Equal(CommandStatus.Failed, outcome.Status);
        Assert.Contains("files.allowHardLinks", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(await _admin.GetFilesAsync());
    }

    [Fact]
    public async Task SymlinkAtTheDestination_IsNotReplacedThrough()
    {
        var victim = Path.Combine(Outside, "victim.txt");
        await File.WriteAllTextAsync(victim, "original");
        var stored = await StoreAsync("payload");
        var destination = Path.Combine(Write, "config.txt");
        File.CreateSymbolicLink(destination, victim);

        var outcome = await RunAsync(CommandNames.ReceiveFile, ("fileId", stored.Id), ("path", destination), ("overwrite", true));

        Assert.Equal(CommandStatus.Failed, outcome.Status);
        Assert.Equal("original", await File.ReadAllTextAsync(victim));
    }

    [Fact]
    public async Task RegularFiles_StillMoveBothWays()
    {
        var source = Path.Combine(Read, "app.log");
        await File.WriteAllTextAsync(source, "hello");
        var sent = await RunAsync(CommandNames.SendFile, ("path", source));
        Assert.Equal(CommandStatus.Succeeded, sent.Status);

        var stored = await StoreAsync("config");
        var received = await RunAsync(CommandNames.ReceiveFile, ("fileId", stored.Id), ("path", Path.Combine(Write, "app.conf")));

        Assert.Equal(CommandStatus.Succeeded, received.Status);
        Assert.Equal("config", await File.ReadAllTextAsync(Path.Combine(Write, "app.conf")));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("0123456789abcdef0123456789ABCDEF")]
    [InlineData("")]
    public async Task FileIdsThatAreNotIds_AreRefusedBeforeTheyBecomePaths(string fileId)
    {
        using var connection = _manager.AgentConnection();

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => connection.DownloadFileAsync(fileId, Path.Combine(Write, "x"), false));

        Assert.Equal(ErrorCodes.InvalidRequest, ex.Code);
        Assert.Empty(Directory.GetFileSystemEntries(Write));
    }

    /// <summary>Where the agent downloads before verifying (the SDK's documented naming: hidden, beside the destination, by file id).</summary>
    private static string PartPath(string destination, string fileId) =>
        Path.Combine(Path.GetDirectoryName(destination)!, "." + Path.GetFileName(destination) + "." + fileId + ".part");

    [Fact]
    public async Task ShellMetacharacters_InEveryStringArgumentOfEveryCommand_StayData()
    {
        var marker = Path.Combine(_root, "pwned");
        string[] payloads = [$"$(touch {marker})", $"; touch {marker}", $"`touch {marker}`", $"| touch {marker}", $"{Read}/x && touch {marker}", $"\n touch {marker}"];
        // Exactly the commands the agent advertised when it registered.
        var definitions = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Monitoring.Manager.Fleet.FleetRegistry>(_manager.Services).Find("files1")!.Commands!;
        var tried = 0;
        foreach (var definition in definitions.Where(d => d.Arguments.Any(a => a.Type == CommandArgumentType.String && a.AllowedValues is null)))
        {
            foreach (var payload in payloads)
            {
                var arguments = definition.Arguments
                    .Where(a => a.Required || a.Type == CommandArgumentType.String)
                    .Select(a => (a.Name, a.Type switch
                    {
                        CommandArgumentType.String => a.AllowedValues is { Count: > 0 } allowed ? allowed[0] : (object?)payload,
                        CommandArgumentType.Boolean => false,
                        _ => a.Minimum ?? 1,
                    }))
                    .ToArray();
                try
                {
                    var outcome = await RunAsync(definition.Name, arguments);
                    Assert.NotEqual(CommandStatus.TimedOut, outcome.Status);
                }
                catch (MonitoringApiException ex) when (ex.StatusCode == 400)
                {
                    // Refused as invalid data before it reached the agent: also data, not code.
                }

                tried++;
            }
        }

        Assert.True(tried >= payloads.Length, "no string argument was tried");
        Assert.False(File.Exists(marker), "a shell ran an argument");
    }

    private static void Link(string existing, string link)
    {
        using var ln = Process.Start("ln", [existing, link])!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }
}
