using System.Globalization;

namespace Monitoring.Benchmarks;

/// <summary>The rows every benchmark prints: a measure with the min, median and max of its runs.</summary>
internal static class MarkdownTable
{
    /// <summary>The header of a min/median/max table.</summary>
    public static void Header()
    {
        Console.WriteLine();
        Console.WriteLine("| measure | min | median | max |");
        Console.WriteLine("|---|---|---|---|");
    }

    public static void Row(string name, IEnumerable<double> values, string format = "0")
    {
        var sorted = values.Order().ToArray();
        Console.WriteLine($"| {name} | {F(sorted[0], format)} | {F(sorted[sorted.Length / 2], format)} | {F(sorted[^1], format)} |");
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
