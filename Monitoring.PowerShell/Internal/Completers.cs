using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Monitoring.Protocol;

namespace Monitoring.PowerShell;

/// <summary>Completes agent ids from the connected manager, with wildcard matching.</summary>
public sealed class AgentIdCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var client = (fakeBoundParameters["Manager"] as MonManagerConnection ?? MonitoringSession.Current)?.Client;
        if (client is null)
        {
            return [];
        }

        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var agents = client.GetAgentsAsync(cts.Token).GetAwaiter().GetResult();
            var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return agents.Where(a => pattern.IsMatch(a.Id))
                .Select(a => new CompletionResult(a.Id, a.Id, CompletionResultType.ParameterValue, $"{a.Id} ({a.Status}, {a.Os})"))
                .ToList();
        }
        catch (Exception ex) when (ex is Client.MonitoringApiException or OperationCanceledException)
        {
            return [];
        }
    }
}

/// <summary>Completes command names: the built-in ones, or those the named agent advertises.</summary>
public sealed class CommandNameCompleter : IArgumentCompleter
{
    private static readonly string[] Names =
    [
        CommandNames.GetStatus, CommandNames.GetProcessCount, CommandNames.ListProcesses, CommandNames.GetLogs,
        CommandNames.Restart, CommandNames.SendFile, CommandNames.ReceiveFile,
    ];

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return Names.Where(n => pattern.IsMatch(n)).Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
