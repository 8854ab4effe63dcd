using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>Where a stored file is in its life.</summary>
public enum FileStatus
{
    /// <summary>Created; bytes are still arriving (an interrupted upload resumes from <see cref="FileRecord.Received"/>).</summary>
    [JsonStringEnumMemberName("uploading")]
    Uploading,

    /// <summary>Every byte arrived and the SHA-256 matched; the file can be downloaded.</summary>
    [JsonStringEnumMemberName("complete")]
    Complete,
}

/// <summary>Announces a file about to be uploaded to the manager's store.</summary>
public sealed record CreateFileRequest
{
    /// <summary>The file's name as the client knows it; kept only as metadata, never used as a path.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Its SHA-256, 64 hex digits; the upload is refused if the bytes do not match.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>The full path it was read from on an agent, when an agent sends it.</summary>
    public string? SourcePath { get; init; }
}

/// <summary>A file in the manager's store.</summary>
public sealed record FileRecord
{
    /// <summary>The store's id for it; also its name on the manager's disk.</summary>
    public string Id { get; init; } = "";

    /// <summary>The name the uploader gave (metadata only).</summary>
    public string Name { get; init; } = "";

    /// <summary>The agent it came from, when an agent uploaded it.</summary>
    public string? AgentId { get; init; }

    /// <summary>The path it was read from on that agent.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Its size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Its SHA-256, lowercase hex.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Bytes received so far; equals <see cref="Size"/> once complete.</summary>
    public long Received { get; init; }

    /// <summary>Uploading or complete.</summary>
    public FileStatus Status { get; init; }

    /// <summary>Which credential uploaded it.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>When the upload started.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last byte arrived and was verified.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>The result of <c>send_file</c>: the agent's file, now in the manager's store.</summary>
public sealed record SendFileResult
{
    /// <summary>The stored file's id.</summary>
    public string FileId { get; init; } = "";

    /// <summary>The full path the agent read.</summary>
    public string Path { get; init; } = "";

    /// <summary>Its size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Its SHA-256, lowercase hex.</summary>
    public string Sha256 { get; init; } = "";
}

/// <summary>The result of <c>receive_file</c>: a stored file, now written on the agent.</summary>
public sealed record ReceiveFileResult
{
    /// <summary>The full path the agent wrote.</summary>
    public string Path { get; init; } = "";

    /// <summary>Its size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Its SHA-256, lowercase hex, verified before the file was put in place.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Bytes that an earlier, interrupted attempt had already written and that were not fetched again.</summary>
    public long ResumedFrom { get; init; }
}
