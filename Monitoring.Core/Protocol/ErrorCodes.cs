namespace Monitoring.Protocol;

/// <summary>Stable <c>code</c> values of the manager's problem-details responses, for programs to switch on.</summary>
public static class ErrorCodes
{
    /// <summary>The request body or a parameter is malformed or out of range.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>No credential, or one the manager does not know.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The credential is valid but does not allow this call.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>An agent token was used to act as another agent.</summary>
    public const string AgentMismatch = "agent_mismatch";

    /// <summary>No agent with that id is enrolled.</summary>
    public const string AgentNotFound = "agent_not_found";

    /// <summary>The agent has no command of that name; the message lists the ones it has.</summary>
    public const string UnknownCommand = "unknown_command";

    /// <summary>No command with that id.</summary>
    public const string CommandNotFound = "command_not_found";

    /// <summary>The command already has a final outcome; a second result is refused.</summary>
    public const string CommandCompleted = "command_completed";

    /// <summary>No file with that id in the manager's store.</summary>
    public const string FileNotFound = "file_not_found";

    /// <summary>The bytes do not match the announced SHA-256; nothing was kept.</summary>
    public const string ChecksumMismatch = "checksum_mismatch";

    /// <summary>An upload chunk does not start where the stored bytes end; the problem's <c>received</c> says where.</summary>
    public const string OffsetMismatch = "offset_mismatch";

    /// <summary>The file is still being uploaded and cannot be read yet.</summary>
    public const string FileIncomplete = "file_incomplete";

    /// <summary>The route or resource does not exist.</summary>
    public const string NotFound = "not_found";

    /// <summary>The request body is larger than the manager accepts.</summary>
    public const string PayloadTooLarge = "payload_too_large";

    /// <summary>The manager failed; the request may be retried.</summary>
    public const string InternalError = "internal_error";

    /// <summary>The manager is starting or shutting down, or cannot store now (its disk is full); retry after <c>Retry-After</c>.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The agent id is enrolled and holds an active token; an admin resets it to let it enroll again.</summary>
    public const string AgentExists = "agent_exists";

    /// <summary>The agent enrolled with a token that needs approval and waits for an admin to approve it.</summary>
    public const string AgentPending = "agent_pending";

    /// <summary>The enrollment token does not allow this enrollment: expired, used up, revoked, or the id does not match its pattern.</summary>
    public const string EnrollmentRefused = "enrollment_refused";

    /// <summary>No admin key or enrollment token with that id.</summary>
    public const string CredentialNotFound = "credential_not_found";

    /// <summary>A credential with that name exists already.</summary>
    public const string CredentialExists = "credential_exists";

    /// <summary>Too many requests from this credential or address; <c>Retry-After</c> says when to try again.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>A configured limit (file store quota, number of agents) would be exceeded.</summary>
    public const string QuotaExceeded = "quota_exceeded";

    /// <summary>No notification receiver with that name.</summary>
    public const string ReceiverNotFound = "receiver_not_found";

    /// <summary>The receiver is defined in manager.yaml: change it there and restart the manager.</summary>
    public const string ReceiverReadOnly = "receiver_read_only";
}
