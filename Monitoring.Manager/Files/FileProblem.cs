namespace Monitoring.Manager.Files;

/// <summary>
/// Why the file store refused a request: the HTTP status, the stable error code, and what to do about it; for an
/// upload chunk that starts at the wrong offset, how many bytes the store holds (where to resume).
/// </summary>
internal sealed record FileProblem(int Status, string Code, string Message, long? Received = null);
