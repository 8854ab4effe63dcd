using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Manager.Notifications;
using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Alert notifications: receivers (read by readers, changed and tested by admins) and the outbox.</summary>
internal static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(ApiRoutes.Receivers, async (NotificationService notifications, CancellationToken ct) => TypedResults.Ok(await notifications.ListAsync(ct)))
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("ListReceivers")
            .WithSummary("Notification receivers (manager.yaml and API) with their routes and delivery state; secrets are never returned.");
        app.MapGet(ApiRoutes.Receiver, GetReceiverAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("GetReceiver")
            .WithSummary("One receiver with its delivery state.");
        app.MapPut(ApiRoutes.Receiver, PutReceiverAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("PutReceiver")
            .WithSummary("Create or replace a receiver; secrets left out keep their stored values.");
        app.MapDelete(ApiRoutes.Receiver, DeleteReceiverAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("DeleteReceiver")
            .WithSummary("Remove a receiver made through the API; its undelivered messages are marked failed.");
        app.MapPost(ApiRoutes.ReceiverTest, TestReceiverAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("TestReceiver")
            .WithSummary("Send the receiver a test notification now, once, and answer what it said.");
        app.MapGet(ApiRoutes.Notifications, ListNotificationsAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("ListNotifications")
            .WithSummary("The notification outbox, newest first, with every delivery attempt; filter by receiver and status.");
        return app;
    }

    internal static async Task<Results<Ok<Receiver>, ProblemHttpResult>> GetReceiverAsync(string name, NotificationService notifications, CancellationToken ct) =>
        await notifications.GetAsync(name, ct) is { } receiver ? TypedResults.Ok(receiver) : NotFound(name);

    internal static async Task<Results<Ok<Receiver>, ProblemHttpResult>> PutReceiverAsync(
        string name, Receiver receiver, ClaimsPrincipal user, NotificationService notifications, CancellationToken ct)
    {
        var change = await notifications.SetAsync(name, receiver, user.Who(), ct);
        return change.Outcome switch
        {
            ReceiverChangeOutcome.Done => TypedResults.Ok(change.Receiver!),
            ReceiverChangeOutcome.ReadOnly => ReadOnly(name),
            _ => Problems.BadRequest($"The receiver was not saved: {change.Problem} See docs/notifications.md for examples."),
        };
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteReceiverAsync(
        string name, ClaimsPrincipal user, NotificationService notifications, CancellationToken ct) =>
        (await notifications.RemoveAsync(name, user.Who(), ct)).Outcome switch
        {
            ReceiverChangeOutcome.Done => TypedResults.NoContent(),
            ReceiverChangeOutcome.ReadOnly => ReadOnly(name),
            _ => NotFound(name),
        };

    internal static async Task<Results<Ok<ReceiverTestResult>, ProblemHttpResult>> TestReceiverAsync(string name, NotificationService notifications, CancellationToken ct) =>
        await notifications.TestAsync(name, ct) is { } result ? TypedResults.Ok(result) : NotFound(name);

    internal static async Task<Results<Ok<IReadOnlyList<NotificationRecord>>, ProblemHttpResult>> ListNotificationsAsync(
        string? receiver, string? status, int? limit, NotificationService notifications, CancellationToken ct)
    {
        if (limit is < 1 or > StatusApi.MaxLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {StatusApi.MaxLimit}; got {limit}.");
        }

        NotificationStatus? filter = null;
        if (status is not null)
        {
            filter = WireNames.Parse(status, MonitoringJsonContext.Default.NotificationStatus);
            if (filter is null)
            {
                return Problems.BadRequest($"status is pending, sent or failed; got '{status}'.");
            }
        }

        return TypedResults.Ok(await notifications.ListNotificationsAsync(receiver, filter, limit ?? StatusApi.DefaultLimit, ct));
    }

    private static ProblemHttpResult NotFound(string name) =>
        Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.ReceiverNotFound, $"No receiver '{name}'. List receivers with GET {ApiRoutes.Receivers}.");

    private static ProblemHttpResult ReadOnly(string name) =>
        Problems.Create(
            StatusCodes.Status409Conflict, ErrorCodes.ReceiverReadOnly,
            $"Receiver '{name}' is defined in manager.yaml (notifications:receivers); change it there and restart the manager, or use another name.");
}
