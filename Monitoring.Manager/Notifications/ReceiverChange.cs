using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>The outcome of creating, replacing or removing a receiver through the API.</summary>
internal sealed record ReceiverChange(ReceiverChangeOutcome Outcome, Receiver? Receiver = null, string? Problem = null);
