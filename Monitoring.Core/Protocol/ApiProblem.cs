namespace Monitoring.Protocol;

/// <summary>An RFC 7807 problem-details body with the manager's stable error <c>code</c>.</summary>
public sealed record ApiProblem
{
    /// <summary>A URI reference that names the problem type.</summary>
    public string? Type { get; init; }

    /// <summary>A short summary of the problem.</summary>
    public string? Title { get; init; }

    /// <summary>The HTTP status code.</summary>
    public int? Status { get; init; }

    /// <summary>What went wrong and what to do about it, for a person.</summary>
    public string? Detail { get; init; }

    /// <summary>The request path the problem is about.</summary>
    public string? Instance { get; init; }

    /// <summary>A stable code from <see cref="ErrorCodes"/>, for a program.</summary>
    public string? Code { get; init; }
}
