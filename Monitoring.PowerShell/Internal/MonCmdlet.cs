using System.Collections.Concurrent;
using System.Management.Automation;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.PowerShell;

/// <summary>
/// What every Mon cmdlet shares: the -Manager parameter, cancellation on Ctrl+C, ErrorRecords with stable ids, and
/// running async SDK calls while every Write* happens on the pipeline thread.
/// </summary>
public abstract class MonCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();
    private BlockingCollection<Action>? _pipeline;

    /// <summary>The connection to use instead of the session's (from Connect-MonManager -PassThru).</summary>
    [Parameter]
    public MonManagerConnection? Manager { get; set; }

    /// <summary>Cancelled when the user presses Ctrl+C.</summary>
    protected CancellationToken StopToken => _stop.Token;

    /// <summary>The manager client to use; throws a terminating error when there is none.</summary>
    protected ManagerClient Client => (Manager ?? MonitoringSession.Current)?.Client ?? ThrowNotConnected();

    /// <inheritdoc />
    protected override void StopProcessing() => _stop.Cancel();

    /// <inheritdoc />
    protected override void EndProcessing() => _stop.Dispose();

    /// <summary>Runs async work, draining its queued pipeline actions (output, progress) on this thread.</summary>
    protected void Run(Func<CancellationToken, Task> work)
    {
        using var queue = new BlockingCollection<Action>();
        _pipeline = queue;
        var task = Task.Run(async () =>
        {
            try
            {
                await work(StopToken).ConfigureAwait(false);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        foreach (var action in queue.GetConsumingEnumerable())
        {
            action();
        }

        _pipeline = null;
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Runs async work that returns a value, on the pipeline thread's terms.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        T result = default!;
        Run(async ct => { result = await work(ct).ConfigureAwait(false); });
        return result;
    }

    /// <summary>
    /// For each id the user confirms (<c>-WhatIf</c>, <c>-Confirm</c>), calls the manager and writes what it
    /// answers (unless null); an error for one id is written and the next one still runs.
    /// </summary>
    protected void ForEachConfirmed<T>(IEnumerable<string> ids, Func<string, string> target, string action, Func<string, CancellationToken, Task<T?>> call)
        where T : class
    {
        foreach (var id in ids)
        {
            if (!ShouldProcess(target(id), action))
            {
                continue;
            }

            try
            {
                if (Run(ct => call(id, ct)) is { } result)
                {
                    WriteObject(result);
                }
            }
            catch (MonitoringApiException ex)
            {
                WriteError(ToErrorRecord(ex, id));
            }
        }
    }

    /// <summary>Queues an action for the pipeline thread (from async code inside <see cref="Run"/>).</summary>
    protected void OnPipeline(Action action)
    {
        if (_pipeline is { } queue && !queue.IsAddingCompleted)
        {
            queue.Add(action);
        }
        else
        {
            action();
        }
    }

    /// <summary>Turns an SDK exception into an ErrorRecord with a stable id, category and target.</summary>
    protected static ErrorRecord ToErrorRecord(Exception ex, object? target)
    {
        var (id, category, action) = ex switch
        {
            MonitoringApiException { Code: MonitoringApiException.UnreachableCode } => ("ManagerUnreachable", ErrorCategory.ConnectionError, "Check the manager is running and the URL and certificate thumbprint are right."),
            MonitoringApiException { StatusCode: 401 } => ("Unauthorized", ErrorCategory.SecurityError, "Check the token; admins find theirs in admin.json in the manager's data directory."),
            MonitoringApiException { StatusCode: 429 } => ("RateLimited", ErrorCategory.LimitsExceeded, "Wait as the message says, then try again."),
            MonitoringApiException { Code: ErrorCodes.AgentExists } => ("AgentExists", ErrorCategory.ResourceExists, "Reset the agent with Reset-MonAgent to let it enroll again."),
            MonitoringApiException { Code: ErrorCodes.CredentialExists } => ("CredentialExists", ErrorCategory.ResourceExists, "Choose another name."),
            MonitoringApiException { Code: ErrorCodes.CredentialNotFound } => ("CredentialNotFound", ErrorCategory.ObjectNotFound, "List them with Get-MonApiKey or Get-MonEnrollmentToken."),
            MonitoringApiException { Code: ErrorCodes.QuotaExceeded } => ("QuotaExceeded", ErrorCategory.LimitsExceeded, "Free space or raise the limit the message names."),
            MonitoringApiException { StatusCode: 403 } => ("Forbidden", ErrorCategory.PermissionDenied, "Connect with a key whose role allows this (New-MonApiKey -Role Operator or Admin)."),
            MonitoringApiException { Code: ErrorCodes.AgentNotFound } => ("AgentNotFound", ErrorCategory.ObjectNotFound, "List agents with Get-MonAgent."),
            MonitoringApiException { Code: ErrorCodes.UnknownCommand } => ("UnknownCommand", ErrorCategory.InvalidArgument, "Use one of the commands the message lists (Tab completes them)."),
            MonitoringApiException { Code: ErrorCodes.FileNotFound } => ("FileNotFound", ErrorCategory.ObjectNotFound, "List stored files with Get-MonFile."),
            MonitoringApiException { Code: ErrorCodes.ReceiverNotFound } => ("ReceiverNotFound", ErrorCategory.ObjectNotFound, "List receivers with Get-MonReceiver."),
            MonitoringApiException { Code: ErrorCodes.ReceiverReadOnly } => ("ReceiverReadOnly", ErrorCategory.InvalidOperation, "Change it in manager.yaml (notifications:receivers) and restart the manager, or use another name."),
            MonitoringApiException { Code: ErrorCodes.CommandNotFound } => ("CommandNotFound", ErrorCategory.ObjectNotFound, "List commands with Get-MonCommand -Agent <id>."),
            MonitoringApiException { Code: ErrorCodes.ChecksumMismatch } => ("ChecksumMismatch", ErrorCategory.InvalidData, "Run the transfer again."),
            MonitoringApiException { StatusCode: 400 } => ("InvalidRequest", ErrorCategory.InvalidArgument, null),
            MonitoringApiException { StatusCode: null, Code: "failed" } => ("CommandFailed", ErrorCategory.InvalidOperation, null),
            MonitoringApiException { StatusCode: null, Code: "timed_out" or "expired" or "queued" } => ("CommandNotCompleted", ErrorCategory.OperationTimeout, "Check the agent is online with Get-MonAgent, then run it again."),
            MonitoringApiException { StatusCode: 413 } => ("TooLarge", ErrorCategory.LimitsExceeded, null),
            MonitoringApiException api => ("Api." + (api.Code ?? "error"), ErrorCategory.NotSpecified, null),
            IOException => ("FileExists", ErrorCategory.ResourceExists, "Pass -Force to overwrite, or choose another destination."),
            ArgumentException => ("InvalidArgument", ErrorCategory.InvalidArgument, null),
            _ => ("Unexpected", ErrorCategory.NotSpecified, null),
        };
        return new ErrorRecord(ex, "Monitoring." + id, category, target)
        {
            ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = action },
        };
    }

    private ManagerClient ThrowNotConnected()
    {
        var ex = new InvalidOperationException(
            "Not connected to a manager. Run Connect-MonManager -ConnectionFile <admin.json> (or -Uri and -Token) first, or pass -Manager.");
        ThrowTerminatingError(new ErrorRecord(ex, "Monitoring.NotConnected", ErrorCategory.ConnectionError, null)
        {
            ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Run Connect-MonManager." },
        });
        return null!;
    }
}
