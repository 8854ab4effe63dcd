using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Monitoring.Internal;

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
        LogLine.Append(line, journal: false, DateTime.UtcNow, logEntry.LogLevel, logEntry.Category, logEntry.EventId.Id, message, logEntry.Exception);
        textWriter.WriteLine(line.ToString());
    }
}
