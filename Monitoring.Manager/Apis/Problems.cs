using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Protocol;

namespace Monitoring.Manager;

/// <summary>Problem-details responses that always carry a stable <c>code</c>.</summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: TitleOf(status),
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult BadRequest(string detail) => Create(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, detail);

    public static ProblemHttpResult AgentNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, ErrorCodes.AgentNotFound, $"No agent '{id}' is enrolled. List agents with GET {ApiRoutes.Agents}.");

    public static ProblemHttpResult AgentMismatch(string tokenAgent, string routeAgent) =>
        Create(
            StatusCodes.Status403Forbidden,
            ErrorCodes.AgentMismatch,
            $"This token belongs to agent '{tokenAgent}', which may post only as itself, not as '{routeAgent}'.");

    public static Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = TitleOf(status), Detail = detail, Extensions = { ["code"] = code } },
        }).AsTask();
    }

    /// <summary>Fills in <c>code</c> and <c>instance</c> on every problem the framework writes (binding errors, 404, 413, 500).</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Instance ??= context.HttpContext.Request.Path;
        if (!problem.Extensions.ContainsKey("code"))
        {
            problem.Extensions["code"] = problem.Status switch
            {
                400 => ErrorCodes.InvalidRequest,
                401 => ErrorCodes.Unauthorized,
                403 => ErrorCodes.Forbidden,
                404 => ErrorCodes.NotFound,
                413 => ErrorCodes.PayloadTooLarge,
                503 => ErrorCodes.Unavailable,
                _ => ErrorCodes.InternalError,
            };
        }

        problem.Detail ??= problem.Status switch
        {
            400 => "A parameter or the body could not be read: check the names, types and JSON syntax against docs/protocol.md.",
            404 => $"There is no such route. The v1 API lives under {ApiRoutes.Prefix}; see docs/protocol.md.",
            413 => "The request body is larger than the manager accepts (maxRequestBodyBytes). Send smaller batches.",
            500 => "The manager failed to handle the request; it was logged. Retry, and report it if it persists.",
            _ => null,
        };
    }

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Unprocessable content",
        429 => "Too many requests",
        507 => "Insufficient storage",
        _ => "Error",
    };
}
