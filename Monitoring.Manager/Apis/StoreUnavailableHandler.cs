using Microsoft.AspNetCore.Diagnostics;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Answers a write the store could not take (disk full or failing) with 503 and <c>Retry-After</c>, instead of 500.</summary>
internal sealed partial class StoreUnavailableHandler(ILogger<StoreUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait before it tries again.</summary>
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StoreUnavailableException unavailable)
        {
            return false;
        }

        LogRefused(logger, context.Request.Method, context.Request.Path, unavailable.InnerException?.Message ?? unavailable.Message);
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.WriteAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            ErrorCodes.Unavailable,
            $"The manager cannot store this now: {unavailable.Message} Nothing of it was kept; send it again in {RetryAfterSeconds} s. "
            + "An administrator should free space where the manager keeps its data (dataDir).");
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused {Method} {Path}: the store cannot write ({Reason}). Free space in the data directory; writes resume by themselves")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
