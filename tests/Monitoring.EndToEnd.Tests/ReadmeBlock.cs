using System.Text.RegularExpressions;

namespace Monitoring.EndToEnd.Tests;

/// <summary>One fenced code block of the README: its language and its text.</summary>
internal sealed partial record ReadmeBlock(string Language, string Code, int Line)
{
    /// <summary>Every fenced block of <paramref name="markdown"/>, in order, with the line it starts on.</summary>
    public static IReadOnlyList<ReadmeBlock> Parse(string markdown) =>
        [.. Fence().Matches(markdown.Replace("\r\n", "\n", StringComparison.Ordinal)).Select(m => new ReadmeBlock(
            m.Groups["language"].Value, m.Groups["code"].Value, markdown[..m.Index].Count(c => c == '\n') + 1))];

    public override string ToString() => $"README line {Line} ({Language}): {Code.Split('\n')[0]}";

    [GeneratedRegex(@"^```(?<language>[a-z]*)\n(?<code>.*?)\n```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
