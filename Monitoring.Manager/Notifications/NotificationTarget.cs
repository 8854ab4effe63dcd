namespace Monitoring.Manager.Notifications;

/// <summary>Where one alert transition goes: a receiver and the group it joins there.</summary>
internal sealed record NotificationTarget(string Receiver, string GroupKey);
