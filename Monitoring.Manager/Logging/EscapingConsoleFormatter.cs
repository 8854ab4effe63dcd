using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Monitoring.Manager.Logging;

/// <summary>
/// One line per entry, like the simple console formatter, with every control character in the message escaped
/// (<c>\r</c>, <c>\n</c>, <c>\x1B</c>, …): text an agent or client sent can neither forge log lines nor drive the
/// terminal.
/// </summary>
internal sealed class EscapingConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "monitoring";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var line = new StringBuilder(message?.Length + 96 ?? 96);
        line.Append(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ ", System.Globalization.CultureInfo.InvariantCulture));
        line.Append(Level(logEntry.LogLevel)).Append(": ").Append(logEntry.Category).Append('[').Append(logEntry.EventId.Id).Append("] ");
        Escape(message ?? "", line);
        if (logEntry.Exception is { } ex)
        {
            line.Append(' ');
            Escape(ex.ToString(), line);
        }

        textWriter.WriteLine(line.ToString());
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
                        into.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        into.Append(c);
                    }

                    break;
            }
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
