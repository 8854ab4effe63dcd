using Monitoring.Protocol;

namespace Monitoring.Client;

/// <summary>A call to the manager failed: it answered with an error, or could not be reached.</summary>
public sealed class MonitoringApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do next.</param>
    /// <param name="statusCode">The HTTP status, or null when there was no answer.</param>
    /// <param name="code">A stable code from <see cref="ErrorCodes"/>, or <c>unreachable</c>.</param>
    /// <param name="problem">The manager's problem-details body, when it sent one.</param>
    /// <param name="inner">The underlying exception.</param>
    public MonitoringApiException(string message, int? statusCode, string? code, ApiProblem? problem = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Code = code;
        Problem = problem;
    }

    /// <summary>The code used when the manager could not be reached at all.</summary>
    public const string UnreachableCode = "unreachable";

    /// <summary>The HTTP status, or null when the manager did not answer.</summary>
    public int? StatusCode { get; }

    /// <summary>A stable code from <see cref="ErrorCodes"/>, or <see cref="UnreachableCode"/>.</summary>
    public string? Code { get; }

    /// <summary>The manager's problem-details body, when it sent one.</summary>
    public ApiProblem? Problem { get; }

    /// <summary>How long the manager asked callers to wait before trying again (its <c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when retrying later may succeed: no answer, or a 5xx, 408 or 429.</summary>
    public bool IsTransient => StatusCode is null or >= 500 or 408 or 429;
}
