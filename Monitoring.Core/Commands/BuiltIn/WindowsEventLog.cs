using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Monitoring.Commands.BuiltIn;

/// <summary>
/// <c>get_logs</c> on Windows: the newest events of the System event log through <c>wevtutil qe</c> (in every Windows
/// since Vista; no package, no elevation for the System log) as rendered XML, one line per event, oldest first:
/// <c>2026-11-29T09:58:01.1234567Z Error Service Control Manager[7000]: The Foo service failed to start…</c>.
/// The parsing runs everywhere (tests feed it the documented event schema); the command runs only on Windows.
/// </summary>
internal static class WindowsEventLog
{
    private static readonly XNamespace Event = "http://schemas.microsoft.com/win/2004/08/events/event";

    /// <summary>The log <c>get_logs</c> reads.</summary>
    public const string Log = "System";

    /// <summary>wevtutil's arguments for the newest <paramref name="count"/> events of <see cref="Log"/>.</summary>
    public static string[] Arguments(int count) =>
        ["qe", Log, "/c:" + count.ToString(CultureInfo.InvariantCulture), "/rd:true", "/f:RenderedXml"];

    /// <summary>The events in wevtutil's output (newest first, as asked) as lines, oldest first; an event that does not parse is skipped.</summary>
    public static List<string> Lines(string output)
    {
        var lines = new List<string>();
        var start = output.IndexOf("<Event", StringComparison.Ordinal);
        while (start >= 0)
        {
            var next = output.IndexOf("<Event ", start + 1, StringComparison.Ordinal);
            var next2 = output.IndexOf("<Event>", start + 1, StringComparison.Ordinal);
            next = next < 0 ? next2 : next2 < 0 ? next : Math.Min(next, next2);
            var chunk = next < 0 ? output.Substring(start) : output.Substring(start, next - start);
            if (Line(chunk.Trim()) is { } line)
            {
                lines.Add(line);
            }

            start = next;
        }

        lines.Reverse();
        return lines;
    }

    private static string? Line(string xml)
    {
        XElement root;
        try
        {
            root = XElement.Parse(xml);
        }
        catch (XmlException)
        {
            return null;
        }

        var system = root.Element(Event + "System");
        var rendering = root.Element(Event + "RenderingInfo");
        var time = system?.Element(Event + "TimeCreated")?.Attribute("SystemTime")?.Value ?? "";
        var provider = system?.Element(Event + "Provider")?.Attribute("Name")?.Value ?? "";
        var id = system?.Element(Event + "EventID")?.Value ?? "";
        var level = rendering?.Element(Event + "Level")?.Value is { Length: > 0 } named ? named : LevelName(system?.Element(Event + "Level")?.Value);
        var message = rendering?.Element(Event + "Message")?.Value ?? "";
        message = string.Join(" ", message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim())).Trim();
        return $"{time} {level} {provider}[{id}]: {message}";
    }

    /// <summary>The standard level names, for events rendered without them.</summary>
    private static string LevelName(string? level) => level switch
    {
        "1" => "Critical",
        "2" => "Error",
        "3" => "Warning",
        "4" or "0" => "Information",
        "5" => "Verbose",
        _ => "Level" + level,
    };
}
