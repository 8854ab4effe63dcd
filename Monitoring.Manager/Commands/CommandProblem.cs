namespace Monitoring.Manager.Commands;

/// <summary>Why the manager refused a command or a result: the HTTP status, the stable error code, and what to do about it.</summary>
internal sealed record CommandProblem(int Status, string Code, string Message);
