using Monitoring.Benchmarks;

// Benchmarks run the real manager and agent processes on loopback and print Markdown for docs/benchmarks.md.
// Usage: Monitoring.Benchmarks commands [--count N] | files [--mib N]
var which = args.FirstOrDefault() ?? "commands";
var count = args.SkipWhile(a => a != "--count").Skip(1).Select(int.Parse).FirstOrDefault(500);
switch (which)
{
    case "commands":
        await CommandLatency.RunAsync(count);
        return 0;
    case "files":
        await FileThroughput.RunAsync(args.SkipWhile(a => a != "--mib").Skip(1).Select(long.Parse).FirstOrDefault(1024) << 20);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{which}'. Known: commands, files.");
        return 2;
}
