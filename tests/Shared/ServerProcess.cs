using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Monitoring.Tests;

/// <summary>A built Monitoring executable run as a real process, with its output captured for assertions.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private ServerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// Environment variable naming a native agent executable (the NativeAOT build) that <see cref="Start"/> runs in
    /// place of the agent's JIT build, so the same tests cover both.
    /// </summary>
    public const string AgentExecutableVariable = "MONITORING_TEST_AGENT_EXE";

    public static ServerProcess Start(string project, params string[] args) => StartIn(null, project, args);

    /// <summary>Runs a built executable of the solution with <paramref name="workingDirectory"/> as its current directory.</summary>
    public static ServerProcess StartIn(string? workingDirectory, string project, params string[] args) =>
        StartWith(null, workingDirectory, project, args);

    /// <summary>Runs a built executable of the solution with these environment variables added to the tests' own.</summary>
    public static ServerProcess StartWith(IReadOnlyDictionary<string, string>? environment, string? workingDirectory, string project, params string[] args)
    {
        if (project == "Monitoring.Agent" && Environment.GetEnvironmentVariable(AgentExecutableVariable) is { Length: > 0 } native)
        {
            return Launch(project, native, [], args, workingDirectory, environment);
        }

        var configuration = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var dll = Path.Combine(RepoRoot, project, "bin", configuration, "net10.0", project + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing; build the solution ({configuration}) first.", dll);
        }

        return Launch(project, "dotnet", [dll], args, workingDirectory, environment);
    }

    /// <summary>Starts a program of the system (a baseline or a real tool the tests drive, such as Prometheus) by its name on PATH.</summary>
    public static ServerProcess StartProgram(string program, params string[] args) => Launch(program, program, [], args, null);

    /// <summary>Starts a program of the system in <paramref name="workingDirectory"/> with these environment variables added.</summary>
    public static ServerProcess StartProgramIn(string workingDirectory, IReadOnlyDictionary<string, string>? environment, string program, params string[] args) =>
        Launch(program, program, [], args, workingDirectory, environment);

    /// <summary>Runs this test or benchmark assembly itself again as a separate process with other arguments.</summary>
    public static ServerProcess StartSelf(params string[] args) =>
        Launch(Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "self"), "dotnet", [Assembly.GetEntryAssembly()!.Location], args, null);

    private static ServerProcess Launch(string project, string program, string[] first, string[] args, string? workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var arg in first.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(project, process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Asks the process to stop as systemd or Ctrl+C would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = SysKill(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or power loss would end it.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails early if the process exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                if (Output.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before printing '{text}'. Output:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not print '{text}' within {timeout.TotalSeconds} s. Output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Monitoring.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Monitoring.sln not found above " + AppContext.BaseDirectory);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
