using System.Text;
using Monitoring.Internal;

namespace Monitoring.AgentHost;

/// <summary>
/// The agent's log: one escaped line per entry on standard output, written as it happens (the agent logs a few lines
/// an hour, so there is no queue or thread for it). Under systemd each line carries its syslog priority for the
/// journal, which keeps its own time.
/// </summary>
/// <typeparam name="T">The category, named after the type.</typeparam>
internal sealed class ConsoleLogger<T> : ILogger<T>
{
    private static readonly string Category = typeof(T).FullName ?? typeof(T).Name;

    private readonly TextWriter _output;
    private readonly LogLevel _minimum;
    private readonly bool _journal;
    private readonly object _gate = new();

    public ConsoleLogger(TextWriter output, LogLevel minimum, bool journal)
    {
        _output = output;
        _minimum = minimum;
        _journal = journal;
    }

    /// <summary>True when standard output goes to the systemd journal (systemd sets <c>JOURNAL_STREAM</c> for it).</summary>
    public static bool OutputIsJournal => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = new StringBuilder(160);
        LogLine.Append(line, _journal, DateTime.UtcNow, logLevel, Category, eventId.Id, formatter(state, exception), exception);
        lock (_gate)
        {
            _output.WriteLine(line.ToString());
            _output.Flush();
        }
    }
}
