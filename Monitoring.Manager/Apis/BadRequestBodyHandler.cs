using Microsoft.AspNetCore.Diagnostics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>
/// Answers a request whose body the server gave up reading (too slow, too large, cut short) with the status Kestrel
/// chose (408, 413, 400) and a problem that says what to do, instead of a 500 that blames the manager.
/// </summary>
internal sealed class BadRequestBodyHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted)
        {
            return false;
        }

        var (code, detail) = bad.StatusCode switch
        {
            StatusCodes.Status408RequestTimeout =>
                (ErrorCodes.InvalidRequest, "The request body arrived too slowly and was cut off; send it again over a working connection."),
            StatusCodes.Status413PayloadTooLarge =>
                (ErrorCodes.PayloadTooLarge, "The request body is larger than the manager accepts (maxRequestBodyBytes); send less at once."),
            _ => (ErrorCodes.InvalidRequest, $"The request could not be read: {bad.Message}"),
        };
        await Problems.WriteAsync(context, bad.StatusCode, code, detail);
        return true;
    }
}
