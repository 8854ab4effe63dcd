using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Tests;

// Simulates a fleet against a real manager on loopback with the real protocol and SDK types: every agent enrolls,
// reports a real-looking snapshot every interval, holds its command stream and answers commands. Runs for a
// bounded time, stops by itself, and checks the store for lost or duplicated sequence numbers at the end.
// Usage: Monitoring.LoadTest [--agents N] [--interval 10] [--duration 60] [--commands-per-second 5] [--markdown]
//        [--postgres CONNECTION-STRING] [--managers N]: N managers sharing a throwaway schema of that PostgreSQL
//        (agent i reports to manager i mod N; commands are posted on the first manager).
var agents = Arg("--agents", 1000);
var interval = TimeSpan.FromSeconds(Arg("--interval", 10));
var duration = TimeSpan.FromSeconds(Arg("--duration", 60));
var commandRate = Arg("--commands-per-second", 5);
var markdown = args.Contains("--markdown");
var postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault();
var managerCount = Arg("--managers", 1);

using var farm = await ManagerFarm.StartAsync(Directory.CreateTempSubdirectory("monitoring-load-").FullName, managerCount, postgres);
var url = farm.Urls[0];
var enrollment = farm.EnrollmentToken;

using var shared = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
ManagerConnectionOptions Options(int agent) =>
    new() { BaseAddress = new Uri(farm.Urls[agent % farm.Urls.Count]), Handler = shared, MaxRetryAttempts = 0, AttemptTimeout = TimeSpan.FromSeconds(60) };

var template = await SampleAsync();
var fleet = new SimulatedAgent[agents];
var enrollWatch = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, agents), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
{
    // As the agent runtime connects: each request sent once within its timeout (the agent's spool is its retry).
    var connection = new AgentConnection(Options(i), pipeline: null);
    var answer = await connection.RegisterAsync(
        new RegisterRequest { AgentId = $"sim-{i:D5}", Os = "linux", IntervalSeconds = interval.TotalSeconds, Hostname = $"sim-{i:D5}" }, enrollment, ct);
    connection.Token = answer.AgentToken;
    fleet[i] = new SimulatedAgent($"sim-{i:D5}", connection);
});
Console.Error.WriteLine($"{agents} agents enrolled in {enrollWatch.Elapsed.TotalSeconds:0.0} s");

var ingest = new ConcurrentBag<double>();
// The same latencies less those during which the generator itself was paused by its own garbage collector: the
// manager's latency, apart from the generator's (both share the machine; each holds ten thousand requests).
var ingestOwn = new ConcurrentBag<double>();
var delivery = new DeliveryClock();
var commandsSent = 0;
var errors = new ConcurrentDictionary<string, int>();
using var stop = new CancellationTokenSource(duration);
var started = Stopwatch.GetTimestamp();
// Who used the machine's CPU during the run: the managers, PostgreSQL, the generator itself.
var cpuStart = (Managers: farm.ManagerCpuSeconds(), Postgres: ManagerFarm.PostgresCpuSeconds(), Generator: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);

// Latencies count after the first interval, once every agent has started (as a fleet that is already running).
var warmUp = interval + TimeSpan.FromSeconds(2);

var reporters = fleet.Select((agent, i) => Task.Run(async () =>
{
    // Spread the fleet over the interval, as agents started at different times would be.
    var phase = TimeSpan.FromTicks(interval.Ticks * i / agents);
    try
    {
        await Task.Delay(phase, stop.Token);
        using var timer = new PeriodicTimer(interval);
        do
        {
            var seq = agent.Sent + 1;
            var snapshot = template with { Seq = seq, Timestamp = DateTimeOffset.UtcNow, UptimeSeconds = template.UptimeSeconds + seq };
            var watch = Stopwatch.StartNew();
            var paused = GC.GetTotalPauseDuration();
            try
            {
                await agent.Connection.ReportAsync(agent.Id, [snapshot], CancellationToken.None);
                agent.Sent = seq;
                if (Stopwatch.GetElapsedTime(started) > warmUp)
                {
                    ingest.Add(watch.Elapsed.TotalMilliseconds);
                    if (GC.GetTotalPauseDuration() == paused)
                    {
                        ingestOwn.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }
            }
            catch (MonitoringApiException ex)
            {
                errors.AddOrUpdate("report: " + ex.Code, 1, (_, n) => n + 1);
            }
        }
        while (await timer.WaitForNextTickAsync(stop.Token));
    }
    catch (OperationCanceledException)
    {
    }
})).ToList();

// Every agent holds its command stream as the agent does (CommandLoop), opened over the first interval.
var streams = fleet.Select((agent, i) => Task.Run(async () =>
{
    try
    {
        await Task.Delay(TimeSpan.FromTicks(interval.Ticks * i / agents), stop.Token);
    }
    catch (OperationCanceledException)
    {
        return;
    }

    while (!stop.IsCancellationRequested)
    {
        try
        {
            await agent.Connection.StreamCommandsAsync(agent.Id, [], async (command, _) =>
            {
                delivery.Arrived(command.Id);

                await agent.Connection.PostCommandResultAsync(agent.Id, command.Id, new CommandResult { Success = true }, CancellationToken.None);
            }, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (MonitoringApiException ex)
        {
            errors.AddOrUpdate("stream: " + ex.Code, 1, (_, n) => n + 1);
        }
        catch (HttpRequestException ex)
        {
            errors.AddOrUpdate("stream: " + ex.HttpRequestError, 1, (_, n) => n + 1);
        }
    }
})).ToList();

var admin = new ManagerClient(new ManagerConnectionOptions
{
    BaseAddress = new Uri(url), Token = farm.AdminToken,
    MaxRetryAttempts = 0,
});
var commander = Task.Run(async () =>
{
    var random = new Random(7);
    try
    {
        // Commands start once every agent has opened its command stream.
        await Task.Delay(warmUp, stop.Token);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / Math.Max(1, commandRate)));
        while (await timer.WaitForNextTickAsync(stop.Token))
        {
            var target = fleet[random.Next(agents)];
            var at = Stopwatch.GetTimestamp();
            var paused = GC.GetTotalPauseDuration();
            try
            {
                var record = await admin.SubmitCommandAsync(target.Id, CommandNames.GetStatus, timeout: TimeSpan.FromSeconds(30));
                delivery.Submitted(record.Id, at, paused);
                commandsSent++;
            }
            catch (MonitoringApiException ex)
            {
                errors.AddOrUpdate("command: " + ex.Code, 1, (_, n) => n + 1);
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
});

var peakRss = 0L;
var sampler = Task.Run(async () =>
{
    using var every = new PeriodicTimer(TimeSpan.FromSeconds(1));
    try
    {
        do
        {
            peakRss = Math.Max(peakRss, farm.Rss());
        }
        while (await every.WaitForNextTickAsync(stop.Token));
    }
    catch (OperationCanceledException)
    {
    }
});

await Task.WhenAll(reporters);
await commander;
await sampler;
var elapsed = Stopwatch.GetElapsedTime(started);
var cpu = (Managers: farm.ManagerCpuSeconds() - cpuStart.Managers, Postgres: ManagerFarm.PostgresCpuSeconds() - cpuStart.Postgres,
    Generator: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpuStart.Generator);
await Task.WhenAll(streams);
foreach (var process in farm.Processes.Where(p => p.HasExited))
{
    Console.Error.WriteLine($"A manager exited during the run ({process.ExitCode}):\n{process.Output}");
}

await farm.StopAsync();

var sent = fleet.Sum(a => a.Sent);
var (stored, distinct) = await farm.StoredAsync();
var lost = fleet.Sum(a => a.Sent) - distinct;
var duplicated = stored - distinct;
var ingestSorted = ingest.Order().ToArray();
var deliverySorted = delivery.All.Order().ToArray();
var ingestOwnSorted = ingestOwn.Order().ToArray();
var deliveryOwnSorted = delivery.NotPaused.Order().ToArray();
string P(double[] sorted, double p) => sorted.Length == 0 ? "–" : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)].ToString("0.0", CultureInfo.InvariantCulture);

if (markdown)
{
    Console.WriteLine($"| {(postgres is null ? "SQLite" : "PostgreSQL")} | {managerCount} | {agents} | {interval.TotalSeconds:0} s | {duration.TotalSeconds:0} s | {sent / elapsed.TotalSeconds:0} | {P(ingestSorted, 50)} | {P(ingestSorted, 99)} | {P(ingestOwnSorted, 99)} | {deliverySorted.Length} | {P(deliverySorted, 50)} | {P(deliverySorted, 99)} | {P(deliveryOwnSorted, 99)} | {lost} | {duplicated} | {errors.Values.Sum()} | {peakRss / (1024 * 1024)} | {Cores(cpu.Managers)} | {Cores(cpu.Postgres)} | {Cores(cpu.Generator)} | {PerReport(cpu.Managers)} | {PerReport(cpu.Postgres)} |");
}
else
{
    Console.WriteLine($"agents {agents}, interval {interval.TotalSeconds} s, ran {elapsed.TotalSeconds:0.0} s");
    Console.WriteLine($"reports acknowledged {sent} ({sent / elapsed.TotalSeconds:0.0}/s), ingest p50 {P(ingestSorted, 50)} ms, p99 {P(ingestSorted, 99)} ms ({P(ingestOwnSorted, 99)} ms without the generator's own GC pauses, {ingestOwn.Count} of {ingest.Count} samples)");
    Console.WriteLine($"commands sent {commandsSent}, delivered {deliverySorted.Length}, delivery p50 {P(deliverySorted, 50)} ms, p99 {P(deliverySorted, 99)} ms ({P(deliveryOwnSorted, 99)} ms without the generator's own GC pauses)");
    Console.WriteLine($"stored {stored}, lost {lost}, duplicated {duplicated}, errors {errors.Values.Sum()} {string.Join(", ", errors.Select(e => e.Key + " ×" + e.Value))}");
    Console.WriteLine($"manager peak RSS {peakRss / (1024 * 1024)} MiB");
    Console.WriteLine($"CPU cores used: managers {Cores(cpu.Managers)}, PostgreSQL {Cores(cpu.Postgres)}, generator {Cores(cpu.Generator)}; CPU ms per report: managers {PerReport(cpu.Managers)}, PostgreSQL {PerReport(cpu.Postgres)}");
}

admin.Dispose();
foreach (var agent in fleet)
{
    agent.Connection.Dispose();
}

return lost == 0 && duplicated == 0 ? 0 : 1;

string Cores(double seconds) => (seconds / elapsed.TotalSeconds).ToString("0.00", CultureInfo.InvariantCulture);
string PerReport(double seconds) => sent == 0 ? "–" : (seconds * 1000 / sent).ToString("0.00", CultureInfo.InvariantCulture);

int Arg(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

static async Task<MetricSnapshot> SampleAsync()
{
    using var collector = MetricCollector.CreateDefault(TimeProvider.System);
    collector.Collect();
    await Task.Delay(300);
    return collector.Collect();
}
