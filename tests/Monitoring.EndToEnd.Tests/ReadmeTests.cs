using System.Text.RegularExpressions;
using Monitoring.Client;

namespace Monitoring.EndToEnd.Tests;

/// <summary>
/// The README cannot drift from the code: its first command (<c>./run.sh</c>) is run as written, then every other
/// code block (curl, the SDK snippet, PowerShell, the help commands) against that manager and agent. Blocks for
/// another machine or an outside service, and the test command itself, are the only ones left out, each for a reason
/// named below. The blocks run in a scratch folder holding run.sh's data folder as <c>.data</c> (MONITORING_DATA),
/// on a free port (MONITORING_PORT), with paths into the repository made absolute.
/// </summary>
[Collection(nameof(ReadmeCollection))]
public sealed partial class ReadmeTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("monitoring-readme-").FullName;
    private readonly int _port = TestNet.FreePort();

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    /// <summary>Why a block is not run, when it is not.</summary>
    private static string? WhyNotRun(ReadmeBlock block) => block.Code switch
    {
        "./run.sh" => "it is the command this test starts first",
        "./test.sh" => "it is the test command itself",
        var code when code.Contains("mon.example", StringComparison.Ordinal) => "it is for another machine (mon.example)",
        var code when code.Contains("example.com", StringComparison.Ordinal) => "it needs an outside service (example.com)",
        var code when code.Split('\n').Contains("dotnet pwsh") => "it opens an interactive shell; the PowerShell blocks run in one",
        _ => null,
    };

    [Fact]
    public async Task EveryBlock_RunsAsWritten_AgainstRunShsManagerAndAgent()
    {
        var blocks = ReadmeBlock.Parse(await File.ReadAllTextAsync(Path.Combine(ServerProcess.RepoRoot, "README.md")));
        Assert.Equal(["./run.sh", "./test.sh"], blocks.Take(2).Select(b => b.Code));
        var data = Path.Combine(_scratch, ".data");
        using var run = ServerProcess.StartProgramIn(
            ServerProcess.RepoRoot, new Dictionary<string, string> { ["MONITORING_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["MONITORING_DATA"] = data },
            "bash", "run.sh");
        await run.WaitForOutputAsync("Monitoring is running", TimeSpan.FromMinutes(4));
        var agentId = await FirstReportAsync(Path.Combine(data, "manager", "admin.json"), run);

        var runnable = new List<ReadmeBlock>();
        var left = new List<string>();
        foreach (var block in blocks)
        {
            if (WhyNotRun(block) is { } reason)
            {
                left.Add($"{block}: {reason}");
            }
            else
            {
                Assert.True(block.Language is "bash" or "powershell" or "csharp", $"{block}: no way to run a '{block.Language}' block; add one here or mark its language.");
                runnable.Add(block);
            }
        }

        // As a reader runs them: the shell blocks one after another in one session (a later block uses what an
        // earlier one set, such as $TOKEN or the connection), the SDK snippet as a program of its own.
        var outputs = new Dictionary<ReadmeBlock, string>();
        foreach (var (block, output) in await RunSessionAsync(runnable.Where(b => b.Language == "bash").ToList(), "bash", run))
        {
            outputs[block] = output;
        }

        foreach (var block in runnable.Where(b => b.Language == "csharp"))
        {
            var (exit, output) = await RunCSharpAsync(Rewrite(block.Code));
            Assert.True(exit == 0, $"{block} exited {exit}:\n{output}");
            outputs[block] = output;
        }

        foreach (var (block, output) in await RunSessionAsync(runnable.Where(b => b.Language == "powershell").ToList(), "powershell", run))
        {
            outputs[block] = output;
        }

        string Of(string start) => Assert.Single(outputs, o => o.Key.Code.StartsWith(start, StringComparison.Ordinal)).Value;
        Assert.Contains($"\"id\":\"{agentId}\"", Of("DATA=.data/manager"), StringComparison.Ordinal);
        Assert.Contains("\"name\":\"list_processes\"", Of("curl "), StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{Regex.Escape(agentId)} +Online +cpu +\d+\.\d%", Of("using Monitoring.Client;"));
        Assert.Matches(@"(?m)^Succeeded: \{""count"":\d+\}", Of("using Monitoring.Client;"));
        Assert.Contains(agentId, Of("./eng/build-module.sh"), StringComparison.Ordinal);
        Assert.Contains("orders-backlog", Of("Get-MonAlert -State Firing"), StringComparison.Ordinal);
        Assert.Contains("--log-file", Of("dotnet Monitoring.Manager/bin/Release"), StringComparison.Ordinal);
        var hello = await File.ReadAllTextAsync(Path.Combine(data, "agent-files", "outbox", "hello.txt"));
        Assert.StartsWith("Hello from ", hello, StringComparison.Ordinal);
        Assert.Equal(hello, await File.ReadAllTextAsync(Path.Combine(_scratch, "hello.txt")));
        Assert.Equal(hello, await File.ReadAllTextAsync(Path.Combine(data, "agent-files", "inbox", "hello.txt")));
        Assert.True(outputs.Count >= 6, $"only {outputs.Count} blocks ran; left out:\n{string.Join('\n', left)}");

        await run.StopAsync(TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("Unhandled exception", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs <paramref name="blocks"/> in one shell session, each announced by a marker line, and hands back each
    /// block's output; the first block that fails fails the test, named with its output and run.sh's.
    /// </summary>
    private async Task<IReadOnlyList<(ReadmeBlock Block, string Output)>> RunSessionAsync(IReadOnlyList<ReadmeBlock> blocks, string shell, ServerProcess run)
    {
        var script = new System.Text.StringBuilder(shell == "bash"
            ? "set -euo pipefail\n"
            : $"$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; Set-Location '{_scratch}'\n");
        for (var i = 0; i < blocks.Count; i++)
        {
            // On a line of its own even after output without a final newline (curl's JSON).
            script.Append(shell == "bash" ? $"printf '\\n::block {i}::\\n'\n" : $"[Console]::Out.Write(\"`n::block {i}::`n\")\n").Append(Rewrite(blocks[i].Code)).Append('\n');
        }

        var (exit, output) = shell == "bash"
            ? await ProcessRun.RunAsync("bash", _scratch, "-c", script.ToString())
            : await ProcessRun.RunAsync("dotnet", ServerProcess.RepoRoot, "pwsh", "-NoProfile", "-NonInteractive", "-Command", script.ToString());
        var parts = BlockMarker().Split(output);
        var results = new List<(ReadmeBlock, string)>();
        for (var i = 1; i + 1 < parts.Length; i += 2)
        {
            results.Add((blocks[int.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture)], parts[i + 1]));
        }

        var failed = results.Count > 0 ? results[^1].Item1.ToString() : $"the {shell} session";
        Assert.True(exit == 0, $"{failed} failed ({shell} exited {exit}):\n{(results.Count > 0 ? results[^1].Item2 : output)}\n\nrun.sh:\n{run.Output}");
        Assert.Equal(blocks.Count, results.Count);
        return results;
    }

    private static async Task<string> FirstReportAsync(string adminJson, ServerProcess run)
    {
        string? id = null;
        await TestNet.WaitUntilAsync(
            async () =>
            {
                Assert.False(run.HasExited, run.Output);
                if (!File.Exists(adminJson))
                {
                    return false;
                }

                using var client = ManagerClient.FromConnectionFile(adminJson);
                id = (await client.GetAgentsAsync()).FirstOrDefault(a => a.Latest is not null)?.Id;
                return id is not null;
            },
            TimeSpan.FromSeconds(90),
            "run.sh's agent to report");
        return id!;
    }

    /// <summary>The README's own addresses, made to fit this run: the port, and paths into the repository.</summary>
    private string Rewrite(string code) =>
        RepositoryPath().Replace(code.Replace("127.0.0.1:5000", $"127.0.0.1:{_port}", StringComparison.Ordinal), m => $"{ServerProcess.RepoRoot}/{m.Groups["entry"].Value}/");

    /// <summary>The SDK snippet as a program of its own, referencing the SDK, run in the scratch folder.</summary>
    private async Task<(int Code, string Output)> RunCSharpAsync(string code)
    {
        var project = Directory.CreateDirectory(Path.Combine(_scratch, "snippet")).FullName;
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), code);
        await File.WriteAllTextAsync(Path.Combine(project, "Snippet.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{ServerProcess.RepoRoot}/Monitoring.Core/Monitoring.Core.csproj" />
              </ItemGroup>
            </Project>
            """);
        var output = Path.Combine(project, "out");
        var (built, log) = await ProcessRun.RunAsync("dotnet", project, "build", "-c", "Release", "-nologo", "-v", "quiet", "-o", output);
        if (built != 0)
        {
            return (built, "the snippet does not build:\n" + log);
        }

        return await ProcessRun.RunAsync("dotnet", _scratch, Path.Combine(output, "Snippet.dll"));
    }

    [GeneratedRegex(@"^::block (\d+)::\r?$\n?", RegexOptions.Multiline)]
    private static partial Regex BlockMarker();

    [GeneratedRegex(@"(?<=^|[\s""'(=])(\./)?(?<entry>eng|artifacts|docs|Monitoring\.Manager|Monitoring\.Agent)/", RegexOptions.Multiline)]
    private static partial Regex RepositoryPath();
}
