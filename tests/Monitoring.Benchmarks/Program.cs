using Monitoring.Benchmarks;

// Benchmarks run the real manager and agent processes on loopback and print Markdown for docs/benchmarks.md.
// Usage: dotnet run -c Release --project tests/Monitoring.Benchmarks -- commands [--count N]
var which = args.FirstOrDefault() ?? "commands";
var count = args.SkipWhile(a => a != "--count").Skip(1).Select(int.Parse).FirstOrDefault(500);
switch (which)
{
    case "commands":
        await CommandLatency.RunAsync(count);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{which}'. Known: commands.");
        return 2;
}
