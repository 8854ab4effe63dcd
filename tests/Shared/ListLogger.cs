using Microsoft.Extensions.Logging;
using Monitoring.Agent;

namespace Monitoring.Tests;

/// <summary>Keeps what the agent runtime logs, to check what a person reading its log would see.</summary>
internal sealed class ListLogger : ILogger<AgentRuntime>
{
    private readonly List<(LogLevel Level, string Message)> _lines = [];

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines.Where(l => l.Level >= LogLevel.Error).Select(l => l.Message)];
            }
        }
    }

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message)];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
