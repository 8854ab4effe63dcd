using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Manager.Logging;

namespace Monitoring.Manager.Tests.Logging;

public sealed class EscapingConsoleFormatterTests
{
    [Fact]
    public void ControlCharactersFromRequests_AreEscaped_SoTheyCannotForgeLinesOrDriveTheTerminal()
    {
        var formatter = new EscapingConsoleFormatter();
        var writer = new StringWriter();
        var hostile = "1.0\r\n2026-01-01T00:00:00.000Z fail: Monitoring.Manager[0] forged\u001b[2J\u202Eevil";
        var entry = new LogEntry<string>(LogLevel.Information, "Monitoring.Manager.Agents", new EventId(7), hostile, null, (s, _) => "Agent a1 enrolled (agent " + s + ")");

        formatter.Write(entry, null, writer);

        var output = writer.ToString();
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u202E', output);
        Assert.Contains(@"1.0\r\n2026", output, StringComparison.Ordinal);
        Assert.Contains(@"\u001b[2J", output, StringComparison.Ordinal);
        Assert.Contains("info: Monitoring.Manager.Agents[7] Agent a1 enrolled", output, StringComparison.Ordinal);
    }
}
