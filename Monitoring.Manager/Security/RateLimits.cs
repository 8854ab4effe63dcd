using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Monitoring.Protocol;

namespace Monitoring.Manager.Security;

/// <summary>
/// Request budgets (ASP.NET Core rate limiting): a token bucket per credential on every route, and fixed windows
/// per client address for enrollment and for requests that fail authentication. A flood of bad tokens from one
/// address therefore exhausts only that address's budget: valid agents, each with its own bucket, keep reporting.
/// </summary>
internal static class RateLimits
{
    public static IServiceCollection AddMonitoringRateLimits(this IServiceCollection services, ManagerOptions options)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = OnRejectedAsync;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => ByCredential(context, options)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => ByEnrollingAddress(context, options)));
        });
        return services;
    }

    private static RateLimitPartition<string> ByCredential(HttpContext context, ManagerOptions options)
    {
        if (context.User.CredentialId() is { } credential)
        {
            var perSecond = options.RequestsPerSecondPerCredential;
            return RateLimitPartition.GetTokenBucketLimiter("credential:" + credential, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond * 10,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }

        if (context.Request.Path.StartsWithSegments(ApiRoutes.Health))
        {
            return RateLimitPartition.GetNoLimiter("health");
        }

        // No credential, or one that failed: budgeted per client address.
        return RateLimitPartition.GetFixedWindowLimiter("unauthenticated:" + Address(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.FailedAuthPerMinutePerAddress,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static RateLimitPartition<string> ByEnrollingAddress(HttpContext context, ManagerOptions options) =>
        context.User.IsInRole(Roles.Enrollment) && context.Request.Path.Equals(ApiRoutes.Register, StringComparison.OrdinalIgnoreCase)
            ? RateLimitPartition.GetFixedWindowLimiter("enroll:" + Address(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.EnrollmentsPerMinutePerAddress,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter("other");

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "?";

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var who = context.User.CredentialId() is null ? $"address {Address(context)}" : $"'{context.User.Who()}'";
        await Problems.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            ErrorCodes.RateLimited,
            $"Too many requests from {who}; try again in {seconds} s (Retry-After). The limits are set under rateLimits in manager.yaml.");
    }
}
