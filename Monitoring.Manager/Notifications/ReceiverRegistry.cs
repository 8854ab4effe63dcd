using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// The receivers in force, secrets included: those of manager.yaml (fixed while the manager runs) and those made
/// through the API (from the store). A name defined in manager.yaml wins over a stored receiver of that name.
/// </summary>
internal sealed partial class ReceiverRegistry(ManagerOptions options, INotificationStore store, ILogger<ReceiverRegistry> logger)
{
    private volatile IReadOnlyList<Receiver> _all = options.Receivers;
    private volatile IReadOnlyDictionary<string, Receiver> _stored = new Dictionary<string, Receiver>();

    /// <summary>Every receiver in force.</summary>
    public IReadOnlyList<Receiver> All => _all;

    public bool IsConfigured(string name) => options.Receivers.Any(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public Receiver? Find(string name) => _all.FirstOrDefault(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The stored (API) receiver of that name, secrets included.</summary>
    public Receiver? Stored(string name) => _stored.TryGetValue(name, out var r) ? r : null;

    public async Task LoadAsync(CancellationToken ct)
    {
        var stored = await store.ListReceiversAsync(ct);
        foreach (var shadowed in stored.Where(r => IsConfigured(r.Name)))
        {
            LogShadowed(logger, shadowed.Name);
        }

        _stored = stored.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        _all = [.. options.Receivers, .. stored.Where(r => !IsConfigured(r.Name))];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiver {Name} is defined in manager.yaml and was also made through the API; the one in manager.yaml is used. Remove one of them")]
    private static partial void LogShadowed(ILogger logger, string name);
}
