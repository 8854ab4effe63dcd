using Monitoring.Benchmarks;

// Benchmarks run the real manager and agent processes on loopback and print Markdown for docs/benchmarks.md.
// Usage: Monitoring.Benchmarks commands [--count N] [--warmup S] | files [--mib N] [--http] [--runs R] | ingest [--agents N] [--seconds S] [--connections C] [--runs R]
//        | agent [--seconds S] [--warmup S] [--runs R] | snapshot [--count N] [--runs R] | storage [--snapshots N] [--runs R]
//        | scrape [--agents N] [--runs R] | hardware [--count N] [--runs R] | application [--count N] [--runs R]
var which = args.FirstOrDefault() ?? "commands";
var count = args.SkipWhile(a => a != "--count").Skip(1).Select(int.Parse).FirstOrDefault(500);
switch (which)
{
    case "commands":
        await CommandLatency.RunAsync(count, Arg("--runs", 3), Arg("--warmup", 15));
        return 0;
    case "ingest":
        return await IngestThroughput.RunAsync(
            Arg("--agents", 1000), Arg("--seconds", 10), Arg("--connections", 64), Arg("--runs", 3));
    case "storage":
        await StorageSize.ReportAsync(Arg("--snapshots", 8640), Arg("--runs", 3));
        return 0;
    case "trivial-server":
        await TrivialServer.RunAsync(args[1]);
        return 0;
    case "agent":
        await AgentFootprint.RunAsync(Arg("--seconds", 60), Arg("--warmup", 10), Arg("--runs", 3));
        return 0;
    case "snapshot":
        await SnapshotCost.RunAsync(Arg("--count", 2000), Arg("--runs", 3));
        return 0;
    case "hardware":
        HardwareCost.Run(Arg("--count", 2000), Arg("--runs", 3));
        return 0;
    case "application":
        ApplicationCost.Run(Arg("--count", 2000), Arg("--runs", 3));
        return 0;
    case "scrape":
        await ScrapeCost.RunAsync(Arg("--agents", 10_000), Arg("--runs", 3));
        return 0;
    case "files":
        await FileThroughput.RunAsync(args.SkipWhile(a => a != "--mib").Skip(1).Select(long.Parse).FirstOrDefault(1024) << 20, args.Contains("--http"), Arg("--runs", 3));
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{which}'. Known: agent, application, commands, files, hardware, ingest, scrape, snapshot, storage.");
        return 2;
}

int Arg(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
