using System.Text.Json;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.EndToEnd.Tests;

/// <summary>The executables' command lines: help, version, misspelled options, settings errors and <c>--once</c>.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _cwd = Directory.CreateTempSubdirectory("monitoring-cli-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    private async Task<ServerProcess> RunAsync(string project, params string[] args)
    {
        var process = ServerProcess.StartIn(_cwd, project, args);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return process;
    }

    [Theory]
    [InlineData("Monitoring.Agent", "--help")]
    [InlineData("Monitoring.Agent", "-h")]
    [InlineData("Monitoring.Manager", "--help")]
    public async Task Help_ListsEveryOptionWithItsYamlKeyAndVariable_AndCreatesNothing(string project, string flag)
    {
        using var run = await RunAsync(project, flag);

        Assert.Equal(0, run.ExitCode);
        var (prefix, keys) = project == "Monitoring.Agent"
            ? ("MONITORING_AGENT_", new[] { "manager", "interval", "files:read", "enrollmentTokenFile", "stateDir" })
            : ("MONITORING_", new[] { "urls", "dataDir", "rateLimits:requestsPerSecondPerCredential", "retention:files", "certificate:path" });
        foreach (var key in keys)
        {
            Assert.Contains($"YAML: {key}; environment: {prefix}{key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()}.", run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("--version", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cwd));
    }

    [Fact]
    public async Task Version_PrintsTheVersionAndExitsZero()
    {
        using var agent = await RunAsync("Monitoring.Agent", "--version");
        using var manager = await RunAsync("Monitoring.Manager", "--version");

        Assert.Equal(0, agent.ExitCode);
        Assert.Equal(0, manager.ExitCode);
        // The one version: the module manifest's, followed by the commit the build came from.
        var manifest = System.Text.RegularExpressions.Regex.Match(
            File.ReadAllText(Path.Combine(ServerProcess.RepoRoot, "Monitoring.psd1")), @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
        Assert.StartsWith(manifest + "+", agent.Output.Trim(), StringComparison.Ordinal);
        Assert.Equal(agent.Output.Trim(), manager.Output.Trim());
    }

    [Theory]
    [InlineData("Monitoring.Agent", "--managr", "--manager")]
    [InlineData("Monitoring.Agent", "--intervl", "--interval")]
    [InlineData("Monitoring.Manager", "--max-agnets", "--max-agents")]
    [InlineData("Monitoring.Manager", "--data-dri", "--data-dir")]
    public async Task MisspelledOption_IsAnErrorThatSuggestsTheClosest(string project, string typed, string suggested)
    {
        using var run = await RunAsync(project, typed, "x");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"unknown option '{typed}'", run.Output, StringComparison.Ordinal);
        Assert.Contains($"Did you mean '{suggested}'?", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cwd));
    }

    [Fact]
    public async Task ManagerSettingFromTheEnvironment_IsValidatedAndTheVariableNamed()
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, WorkingDirectory = _cwd };
        info.ArgumentList.Add(Path.Combine(ServerProcess.RepoRoot, "Monitoring.Manager", "bin", Configuration, "net10.0", "Monitoring.Manager.dll"));
        info.Environment["MONITORING_RATELIMITS__ENROLLMENTSPERMINUTEPERADDRESS"] = "many";
        using var process = System.Diagnostics.Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("environment variable MONITORING_RATELIMITS__ENROLLMENTSPERMINUTEPERADDRESS", error, StringComparison.Ordinal);
        Assert.Contains("'many' is not a whole number", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cwd));
    }

    [Fact]
    public async Task LaterLayersWin_FileThenEnvironmentThenCommandLine()
    {
        // The file says 1h (valid), the option says 5x (invalid): the option wins, so the error names the option.
        var config = Path.Combine(_cwd, "agent.yaml");
        await File.WriteAllTextAsync(config, "interval: 1h\nmanager: https://127.0.0.1:1\n");
        using var run = await RunAsync("Monitoring.Agent", "--config", config, "--interval", "5x");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("option --interval key 'interval': '5x'", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WindowsService_OnLinux_IsAUsageErrorThatSaysWhatToRunInstead()
    {
        using var run = await RunAsync("Monitoring.Agent", "--windows-service", "--manager", "https://127.0.0.1:1", "--state-dir", Path.Combine(_cwd, "state"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--windows-service runs the agent under the Windows Service Control Manager and works only on Windows", run.Output, StringComparison.Ordinal);
        Assert.Contains("systemd", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cwd));
    }

    [Fact]
    public async Task ALogFileThatCannotBeWritten_IsAUsageErrorThatNamesIt()
    {
        var blocker = Path.Combine(_cwd, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "");

        using var run = await RunAsync("Monitoring.Agent", "--log-file", Path.Combine(blocker, "agent.log"), "--manager", "https://127.0.0.1:1", "--state-dir", Path.Combine(_cwd, "state"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"cannot write the log file {Path.Combine(blocker, "agent.log")}", run.Output, StringComparison.Ordinal);
        Assert.Contains("--log-file", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_PrintsOneSnapshotAsJson_AndSendsOrWritesNothing()
    {
        using var run = await RunAsync("Monitoring.Agent", "--once");

        Assert.Equal(0, run.ExitCode);
        var snapshot = JsonSerializer.Deserialize(run.Output, MonitoringJsonContext.Default.MetricSnapshot)!;
        Assert.Equal(Environment.ProcessorCount, snapshot.Cpu.LogicalCores);
        Assert.Equal(Environment.ProcessorCount, snapshot.Cpu.PerCore.Count);
        Assert.InRange(snapshot.Cpu.Percent, 0, 100);
        Assert.True(snapshot.Memory.TotalBytes > 0);
        Assert.Contains(snapshot.Disks, d => d.Mount == "/");
        Assert.Contains(snapshot.Network, n => n.Name == "lo");
        Assert.True(snapshot.Processes.Count > 1);
        Assert.True(snapshot.UptimeSeconds > 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cwd));
    }

    [Fact]
    public async Task OnceTable_PrintsReadableLines()
    {
        using var run = await RunAsync("Monitoring.Agent", "--once", "--table");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var label in new[] { "cpu", "memory", "swap", "disk", "network", "uptime", "processes" })
        {
            Assert.Contains(lines, l => l.StartsWith(label + " ", StringComparison.Ordinal));
        }

        Assert.Contains(lines, l => l.StartsWith("disk", StringComparison.Ordinal) && l.Contains(" / (", StringComparison.Ordinal));
    }

    private static string Configuration => typeof(ServerProcess).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
}
