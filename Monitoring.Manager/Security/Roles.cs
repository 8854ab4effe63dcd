namespace Monitoring.Manager.Security;

/// <summary>Who a bearer token speaks for, and the authorization policies built on that.</summary>
internal static class Roles
{
    /// <summary>Every admin key has this role: lists, status, alerts and stored files.</summary>
    public const string Reader = "reader";

    /// <summary>Operator and admin keys: also commands, file pushes and acknowledgements.</summary>
    public const string Operator = "operator";

    /// <summary>Admin keys: also credentials, agents, thresholds and silences.</summary>
    public const string Admin = "admin";

    public const string Agent = "agent";
    public const string Enrollment = "enrollment";

    public const string ReaderPolicy = "reader";
    public const string OperatorPolicy = "operator";
    public const string AdminPolicy = "admin";

    /// <summary>An approved agent acting as itself.</summary>
    public const string AgentPolicy = "agent";

    /// <summary>Register: an agent (approved or pending) or an enrollment token.</summary>
    public const string RegisterPolicy = "register";

    /// <summary>Announce and upload files: operators, admins and agents.</summary>
    public const string UploaderPolicy = "uploader";

    /// <summary>Read a stored file's record and bytes: readers, and agents (their own uploads and files offered to them).</summary>
    public const string FileReaderPolicy = "file-reader";

    /// <summary>Read the central thresholds: readers and agents.</summary>
    public const string ThresholdsReaderPolicy = "thresholds-reader";

    /// <summary>Claim type of the credential's stable id: <c>key:ID</c>, <c>agent:ID</c> or <c>enrollment:ID</c>.</summary>
    public const string CredentialIdClaim = "mon:credential";

    /// <summary>Claim present on an agent still waiting for approval.</summary>
    public const string PendingClaim = "mon:pending";
}
