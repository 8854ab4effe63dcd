using Monitoring.Client;
using Monitoring.Files;
using Monitoring.Protocol;

namespace Monitoring.Commands.BuiltIn;

/// <summary><c>send_file</c>: uploads a file inside the agent's files.read folders to the manager's store.</summary>
internal sealed class SendFileHandler(FilePolicy policy, AgentConnection connection) : ICommandHandler
{
    public CommandDefinition Definition { get; } = new()
    {
        Name = CommandNames.SendFile,
        Description = "Uploads a file from the agent to the manager's file store. Only files inside the agent's files.read folders.",
        Resumable = true,
        Arguments = [new() { Name = "path", Type = CommandArgumentType.String, Required = true, Maximum = FilePolicy.MaxPathLength, Description = "The full path on the agent." }],
    };

    public async Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        string path;
        try
        {
            path = policy.ResolveForRead(context.GetString("path", ""));
        }
        catch (FileAccessDeniedException ex)
        {
            return CommandOutcome.Fail(ex.Message);
        }

        FileStream stream;
        try
        {
            // What is checked is the open handle, and the bytes sent come from that same handle.
            stream = SafeFileAccess.OpenRead(path, policy.ReadRoots, policy.AllowHardLinks);
        }
        catch (FileAccessDeniedException ex)
        {
            return CommandOutcome.Fail(ex.Message);
        }

        using var _ = stream;
        var size = stream.Length;
        if (size > policy.MaxFileBytes)
        {
            return CommandOutcome.Fail($"'{path}' is {size} bytes; this agent sends files of at most {policy.MaxFileBytes} bytes (files.maxBytes).");
        }

        var record = await connection.UploadFileAsync(stream, path, cancellationToken).ConfigureAwait(false);
        return CommandOutcome.Ok(
            new SendFileResult { FileId = record.Id, Path = path, Size = record.Size, Sha256 = record.Sha256 },
            MonitoringJsonContext.Default.SendFileResult);
    }
}

/// <summary><c>receive_file</c>: downloads a stored file and writes it inside the agent's files.write folders.</summary>
internal sealed class ReceiveFileHandler(FilePolicy policy, AgentConnection connection) : ICommandHandler
{
    public CommandDefinition Definition { get; } = new()
    {
        Name = CommandNames.ReceiveFile,
        Description = "Downloads a file from the manager's store, verifies its SHA-256 and writes it on the agent. Only inside the agent's files.write folders.",
        Resumable = true,
        Arguments =
        [
            new() { Name = "fileId", Type = CommandArgumentType.String, Required = true, Maximum = 64, Description = "The stored file's id." },
            new() { Name = "path", Type = CommandArgumentType.String, Required = true, Maximum = FilePolicy.MaxPathLength, Description = "The full path to write on the agent." },
            new() { Name = "overwrite", Type = CommandArgumentType.Boolean, Description = "Replace an existing file (default false)." },
        ],
    };

    public async Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        string path;
        try
        {
            path = policy.ResolveForWrite(context.GetString("path", ""));
        }
        catch (FileAccessDeniedException ex)
        {
            return CommandOutcome.Fail(ex.Message);
        }

        var fileId = context.GetString("fileId", "");
        if (!FileIds.IsValid(fileId))
        {
            return CommandOutcome.Fail($"'{fileId}' is not a file id (32 lowercase hex digits); nothing was written.");
        }

        var overwrite = context.GetBoolean("overwrite", false);
        if (File.Exists(path) && !overwrite)
        {
            return CommandOutcome.Fail($"'{path}' already exists on agent '{context.AgentId}'; pass overwrite: true to replace it.");
        }

        try
        {
            var (record, resumedFrom) = await connection.DownloadFileAsync(fileId, path, overwrite, policy.WriteRoots, cancellationToken).ConfigureAwait(false);
            return CommandOutcome.Ok(
                new ReceiveFileResult { Path = path, Size = record.Size, Sha256 = record.Sha256, ResumedFrom = resumedFrom },
                MonitoringJsonContext.Default.ReceiveFileResult);
        }
        catch (MonitoringApiException ex) when (ex.Code is ErrorCodes.ChecksumMismatch or ErrorCodes.FileNotFound or ErrorCodes.FileIncomplete)
        {
            return CommandOutcome.Fail(ex.Message);
        }
        catch (FileAccessDeniedException ex)
        {
            return CommandOutcome.Fail(ex.Message);
        }
    }
}
