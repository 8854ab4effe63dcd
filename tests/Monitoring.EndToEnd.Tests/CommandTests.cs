using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Commands;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

public sealed class CommandTests : IDisposable
{
    private readonly Fleet _fleet = new();

    public void Dispose() => _fleet.Dispose();

    private async Task<(ServerProcess Manager, ServerProcess Agent, ManagerClient Admin)> StartAsync(string id, string? config = null)
    {
        var manager = await _fleet.StartManagerAsync();
        var agent = _fleet.StartAgent(id, "2s", config: config);
        var admin = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAgentsAsync()).Any(a => a.Id == id && a.Status == AgentState.Online),
            TimeSpan.FromSeconds(30),
            $"agent {id} to be online");
        return (manager, agent, admin);
    }

    private string MarkerConfig(string marker) => _fleet.WriteConfig(
        "restart.yaml",
        $"allowRestart: true\nrestartCommand: [/bin/sh, -c, 'echo ran >> {marker}']\n");

    [Fact]
    public async Task TheContract_GetProcessCount_AnswersWithTheResult()
    {
        var (_, _, admin) = await StartAsync("cmd1");
        using var http = _fleet.Http(_fleet.Admin.Token);

        var response = await http.PostAsync(
            "/api/v1/agents/cmd1/commands",
            new StringContent("{\"name\": \"get_process_count\", \"arguments\": {}, \"timeoutSeconds\": 10}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal(32, body.GetProperty("id").GetString()!.Length);
        Assert.True(body.GetProperty("result").GetProperty("count").GetInt32() > 0);
        admin.Dispose();
    }

    [Fact]
    public async Task EveryBuiltInCommand_RoundTripsWithATypedResult()
    {
        var log = _fleet.WriteConfig("app.log", string.Join("\n", Enumerable.Range(1, 50).Select(i => $"line {i}")) + "\n");
        var config = _fleet.WriteConfig("agent.yaml", $"logSources: [{log}]\n");
        var (_, _, admin) = await StartAsync("cmd2", config);
        using (admin)
        {
            var status = await admin.InvokeCommandAsync("cmd2", CommandNames.GetStatus);
            var snapshot = status.Result!.Value.Deserialize(MonitoringJsonContext.Default.MetricSnapshot)!;
            Assert.Equal(CommandStatus.Succeeded, status.Status);
            Assert.True(snapshot.Memory.TotalBytes > 0);
            Assert.Contains(snapshot.Disks, d => d.Mount == "/");

            var count = await admin.InvokeCommandAsync("cmd2", CommandNames.GetProcessCount);
            Assert.True(count.Result!.Value.Deserialize(MonitoringJsonContext.Default.ProcessCountResult)!.Count > 0);

            var top = await admin.InvokeCommandAsync("cmd2", CommandNames.ListProcesses, new Dictionary<string, object?> { ["top"] = 3, ["sortBy"] = "memory" });
            var list = top.Result!.Value.Deserialize(MonitoringJsonContext.Default.ProcessListResult)!;
            Assert.Equal("memory", list.SortBy);
            Assert.Equal(3, list.Processes.Count);
            Assert.True(list.Processes[0].RssBytes >= list.Processes[1].RssBytes);
            Assert.Contains(list.Processes, p => p.Name.StartsWith("dotnet", StringComparison.Ordinal));
            Assert.All(list.Processes, p => Assert.False(string.IsNullOrEmpty(p.User)));

            var logs = await admin.InvokeCommandAsync("cmd2", CommandNames.GetLogs, new Dictionary<string, object?> { ["lines"] = 5 });
            Assert.Equal(CommandStatus.Succeeded, logs.Status);
            var lines = logs.Result!.Value.Deserialize(MonitoringJsonContext.Default.LogsResult)!;
            // journald wins where it has entries; on a machine without it the configured file is used.
            if (lines.Source != "journald")
            {
                Assert.Equal(log, lines.Source);
                Assert.Equal(["line 46", "line 47", "line 48", "line 49", "line 50"], lines.Lines);
            }
            else
            {
                Assert.InRange(lines.Lines.Count, 1, 5);
            }

            var history = await admin.GetCommandsAsync("cmd2");
            Assert.Equal(4, history.Count);
            Assert.All(history, c => Assert.Equal("admin", c.RequestedBy));
            Assert.Equal(CommandNames.GetLogs, history[0].Name);
            Assert.Equal(5, history[0].Arguments!["lines"].GetInt32());
        }
    }

    [Fact]
    public async Task Restart_Disabled_IsRefusedWithWhatToChange()
    {
        var (_, _, admin) = await StartAsync("cmd3");
        using (admin)
        {
            var record = await admin.InvokeCommandAsync("cmd3", CommandNames.Restart);

            Assert.Equal(CommandStatus.Failed, record.Status);
            Assert.Contains("allowRestart: true", record.Error, StringComparison.Ordinal);
            Assert.Contains("cannot turn it on", record.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Restart_Enabled_RunsTheConfiguredCommandExactlyOnce_AfterAnswering()
    {
        var marker = Path.Combine(_fleet.Root, "restarted");
        var (_, _, admin) = await StartAsync("cmd4", MarkerConfig(marker));
        using (admin)
        {
            var record = await admin.InvokeCommandAsync("cmd4", CommandNames.Restart);

            Assert.Equal(CommandStatus.Succeeded, record.Status);
            Assert.Equal(["/bin/sh", "-c", $"echo ran >> {marker}"], record.Result!.Value.Deserialize(MonitoringJsonContext.Default.RestartResult)!.Command);
            await TestNet.WaitUntilAsync(() => Task.FromResult(File.Exists(marker)), TimeSpan.FromSeconds(10), "the restart command to run");
            // Another round trip proves the agent's poll loop went past the restart without running it again.
            Assert.Equal(CommandStatus.Succeeded, (await admin.InvokeCommandAsync("cmd4", CommandNames.GetProcessCount)).Status);
            Assert.Equal(["ran"], File.ReadAllLines(marker));
        }
    }

    [Fact]
    public async Task UnknownCommandAndBadArguments_Are400WithTheRules()
    {
        var (_, _, admin) = await StartAsync("cmd5");
        using (admin)
        {
            var unknown = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.InvokeCommandAsync("cmd5", "format_disk"));
            var badType = await Assert.ThrowsAsync<MonitoringApiException>(() =>
                admin.InvokeCommandAsync("cmd5", CommandNames.ListProcesses, new Dictionary<string, object?> { ["top"] = "ten" }));
            var outOfRange = await Assert.ThrowsAsync<MonitoringApiException>(() =>
                admin.InvokeCommandAsync("cmd5", CommandNames.GetLogs, new Dictionary<string, object?> { ["lines"] = 1_000_000 }));
            var extra = await Assert.ThrowsAsync<MonitoringApiException>(() =>
                admin.InvokeCommandAsync("cmd5", CommandNames.GetStatus, new Dictionary<string, object?> { ["path"] = "/etc" }));
            var badTimeout = await Assert.ThrowsAsync<MonitoringApiException>(() =>
                admin.InvokeCommandAsync("cmd5", CommandNames.GetStatus, timeout: TimeSpan.FromHours(2)));
            var noAgent = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.InvokeCommandAsync("nobody", CommandNames.GetStatus));

            Assert.Equal((400, ErrorCodes.UnknownCommand), (unknown.StatusCode, unknown.Code));
            Assert.Contains("get_logs, get_process_count, get_status, list_processes, receive_file, restart, send_file", unknown.Message, StringComparison.Ordinal);
            Assert.Equal(400, badType.StatusCode);
            Assert.Contains("whole number from 1 to 100", badType.Message, StringComparison.Ordinal);
            Assert.Contains("out of range from 1 to 10000", outOfRange.Message, StringComparison.Ordinal);
            Assert.Contains("takes no arguments", extra.Message, StringComparison.Ordinal);
            Assert.Contains("timeoutSeconds", badTimeout.Message, StringComparison.Ordinal);
            Assert.Equal(404, noAgent.StatusCode);
            Assert.Empty(await admin.GetCommandsAsync("cmd5"));
        }
    }

    [Fact]
    public async Task CommandQueuedWhileTheAgentIsStopped_IsDeliveredWhenItStarts_AndRunsOnce()
    {
        var marker = Path.Combine(_fleet.Root, "restarted");
        var config = MarkerConfig(marker);
        var (_, agent, admin) = await StartAsync("cmd6", config);
        using (admin)
        {
            await agent.StopAsync(TimeSpan.FromSeconds(15));

            var queued = await admin.SubmitCommandAsync("cmd6", CommandNames.Restart, timeToLive: TimeSpan.FromMinutes(5));
            Assert.Equal(CommandStatus.Queued, queued.Status);
            Assert.Equal(CommandStatus.Queued, (await admin.GetCommandAsync(queued.Id)).Status);

            _fleet.StartAgent("cmd6", "2s", config: config);
            await TestNet.WaitUntilAsync(
                async () => (await admin.GetCommandAsync(queued.Id)).Status == CommandStatus.Succeeded, TimeSpan.FromSeconds(30), "the queued command to run");
            await TestNet.WaitUntilAsync(() => Task.FromResult(File.Exists(marker)), TimeSpan.FromSeconds(10), "the restart command to run");
            Assert.Equal(CommandStatus.Succeeded, (await admin.InvokeCommandAsync("cmd6", CommandNames.GetProcessCount)).Status);
            Assert.Equal(["ran"], File.ReadAllLines(marker));
        }
    }

    [Fact]
    public async Task AgentKilledWhileACommandRuns_DoesNotRunItAgainAfterRestart()
    {
        // get_logs blocks opening a FIFO until something writes to it: the command is surely running when the agent dies.
        var fifo = Path.Combine(_fleet.Root, "blocking.log");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        var config = _fleet.WriteConfig("agent.yaml", $"logSources: [{fifo}]\n");
        var (_, agent, admin) = await StartAsync("cmd7", config);
        using (admin)
        {
            var sent = await admin.SubmitCommandAsync("cmd7", CommandNames.GetLogs, timeout: TimeSpan.FromSeconds(60));
            await TestNet.WaitUntilAsync(
                async () => (await admin.GetCommandAsync(sent.Id)).Status == CommandStatus.Delivered, TimeSpan.FromSeconds(15), "delivery");
            var journal = Path.Combine(_fleet.StateDir("cmd7"), "commands", "journal.jsonl");
            await TestNet.WaitUntilAsync(() => Task.FromResult(File.Exists(journal) && ReadShared(journal).Contains(sent.Id, StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the agent to record the start");

            await agent.KillAsync();
            var restarted = _fleet.StartAgent("cmd7", "2s", config: config);

            await TestNet.WaitUntilAsync(
                async () => (await admin.GetCommandAsync(sent.Id)).Status != CommandStatus.Delivered, TimeSpan.FromSeconds(30), "an outcome after the restart");
            var outcome = await admin.GetCommandAsync(sent.Id);
            Assert.Equal(CommandStatus.Failed, outcome.Status);
            Assert.Contains("not run again", outcome.Error, StringComparison.Ordinal);
            await restarted.WaitForOutputAsync("was delivered again", TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task CommandForAnAgentThatNeverReturns_Expires()
    {
        var (_, agent, admin) = await StartAsync("cmd8");
        using (admin)
        {
            await agent.StopAsync(TimeSpan.FromSeconds(15));

            var sent = await admin.SubmitCommandAsync("cmd8", CommandNames.GetStatus, timeToLive: TimeSpan.FromSeconds(2));
            await TestNet.WaitUntilAsync(
                async () => (await admin.GetCommandAsync(sent.Id)).Status == CommandStatus.Expired, TimeSpan.FromSeconds(15), "the command to expire");

            var expired = await admin.GetCommandAsync(sent.Id);
            Assert.Null(expired.DeliveredAt);
            Assert.Contains("did not fetch the command before it expired", expired.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WaitingOnAStoppedAgent_Answers202WithTheQueuedCommand()
    {
        var (_, agent, admin) = await StartAsync("cmd9");
        using (admin)
        {
            await agent.StopAsync(TimeSpan.FromSeconds(15));

            var record = await admin.InvokeCommandAsync("cmd9", CommandNames.GetStatus, timeout: TimeSpan.FromSeconds(1));

            Assert.Equal(CommandStatus.Queued, record.Status);
        }
    }

    /// <summary>Reads a file the agent holds open for appending.</summary>
    private static string ReadShared(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(file);
        return reader.ReadToEnd();
    }
}
