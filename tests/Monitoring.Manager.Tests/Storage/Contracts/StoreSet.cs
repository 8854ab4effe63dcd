using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>Every store of one engine over one fresh, initialized database: what a contract suite runs against.</summary>
internal sealed record StoreSet(
    IAgentStore Agents, IAlertStore Alerts, ICommandStore Commands, IFileRecordStore Files, IHistoryStore History, ICredentialStore Credentials, INotificationStore Notifications);
