using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>A route's timings and resolved setting with the defaults filled in.</summary>
internal sealed record RouteTiming(TimeSpan GroupWait, TimeSpan GroupInterval, TimeSpan RepeatInterval, bool SendResolved)
{
    public static RouteTiming Of(NotificationRoute? route) => new(
        route?.GroupWaitSeconds is { } wait ? TimeSpan.FromSeconds(wait) : ReceiverRules.DefaultGroupWait,
        route?.GroupIntervalSeconds is { } interval ? TimeSpan.FromSeconds(interval) : ReceiverRules.DefaultGroupInterval,
        route?.RepeatIntervalSeconds is { } repeat ? TimeSpan.FromSeconds(repeat) : ReceiverRules.DefaultRepeatInterval,
        route?.SendResolved ?? true);
}
