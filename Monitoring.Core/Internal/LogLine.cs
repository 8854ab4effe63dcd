using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Monitoring.Internal;

/// <summary>
/// The one-line log format of both hosts, like the simple console formatter, with every control character in the
/// message escaped (<c>\r</c>, <c>\n</c>, <c>\x1B</c>, …): text an agent, a manager or a client sent can neither forge
/// log lines nor drive the terminal.
/// </summary>
internal static class LogLine
{
    /// <summary>
    /// Appends one entry. With <paramref name="journal"/> (running under systemd) the line starts with the syslog
    /// priority (<c>&lt;6&gt;</c>) and leaves the time to the journal; otherwise it starts with the UTC time.
    /// </summary>
    public static void Append(StringBuilder line, bool journal, DateTime utcNow, LogLevel level, string category, int eventId, string? message, Exception? exception)
    {
        if (journal)
        {
            line.Append('<').Append(SyslogPriority(level)).Append('>');
        }
        else
        {
            line.Append(utcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ ", CultureInfo.InvariantCulture));
        }

        line.Append(Name(level)).Append(": ").Append(category).Append('[').Append(eventId).Append("] ");
        Escape(message ?? "", line);
        if (exception is not null)
        {
            line.Append(' ');
            Escape(exception.ToString(), line);
        }
    }

    /// <summary>Appends <paramref name="text"/> with control characters written as escapes.</summary>
    public static void Escape(string text, StringBuilder into)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r':
                    into.Append("\\r");
                    break;
                case '\n':
                    into.Append("\\n");
                    break;
                case '\t':
                    into.Append("\\t");
                    break;
                case '\\':
                    into.Append('\\').Append('\\');
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202E' or '\u200E' or '\u200F')
                    {
                        into.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        into.Append(c);
                    }

                    break;
            }
        }
    }

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private static int SyslogPriority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };
}
