using System.Collections.Concurrent;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Security;

/// <summary>
/// Admin keys and enrollment tokens: created, listed and revoked here, kept in memory by hash so authenticating a
/// request never touches the database. The first-start admin token (admin.json) and enrollment token
/// (enrollment.token) are the keys <see cref="BootstrapKeyId"/> and <see cref="BootstrapEnrollmentId"/>.
/// </summary>
internal sealed partial class CredentialService(
    ICredentialStore store, ManagerSecrets secrets, Cluster.IClusterSignals cluster, TimeProvider time, ILogger<CredentialService> logger)
{
    public const string BootstrapKeyId = "admin";
    public const string BootstrapEnrollmentId = "default";
    public const int MaxNameLength = 64;

    private readonly ConcurrentDictionary<string, StoredCredential> _byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredCredential> _byId = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changes = new(1, 1);

    /// <summary>Loads every credential and makes sure the first-start tokens exist (unless an admin revoked them).</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        await store.InitializeAsync(ct);
        var now = time.GetUtcNow();
        await EnsureBootstrapAsync(new StoredCredential
        {
            Id = BootstrapKeyId, Kind = CredentialKind.Key, Name = "admin", Role = KeyRole.Admin, TokenHash = secrets.AdminTokenHash,
            CreatedAt = now, CreatedBy = "manager",
        }, ct);
        await EnsureBootstrapAsync(new StoredCredential
        {
            Id = BootstrapEnrollmentId, Kind = CredentialKind.Enrollment, Name = "default", TokenHash = secrets.EnrollmentTokenHash,
            CreatedAt = now, CreatedBy = "manager",
        }, ct);
        await ReloadAsync(ct);
    }

    private async Task EnsureBootstrapAsync(StoredCredential credential, CancellationToken ct)
    {
        if (!await store.InsertAsync(credential, ct))
        {
            // The file was replaced (deleting admin.json makes a new admin token): the new one takes over, unless revoked.
            await store.UpdateHashAsync(credential.Id, credential.TokenHash, ct);
        }
    }

    /// <summary>Reads every credential again (another manager changed them).</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        var all = await store.LoadAsync(ct);
        _byHash.Clear();
        _byId.Clear();
        foreach (var c in all)
        {
            _byId[c.Id] = c;
            if (c.RevokedAt is null)
            {
                _byHash[c.TokenHash] = c;
            }
        }
    }

    /// <summary>The usable credential with this token hash, or null.</summary>
    public StoredCredential? Find(string tokenHash) =>
        _byHash.TryGetValue(tokenHash, out var c) && c.IsUsable(time.GetUtcNow()) ? c : null;

    /// <summary>The usable admin key (not an enrollment token) this token is, or null.</summary>
    public StoredCredential? FindKey(string token) =>
        token.Length is > 0 and <= 512 && Find(Tokens.Hash(token)) is { Kind: CredentialKind.Key } key ? key : null;

    /// <summary>Any credential by id, revoked or not.</summary>
    public StoredCredential? Get(string id) => _byId.TryGetValue(id, out var c) ? c : null;

    public IReadOnlyList<ApiKeyInfo> ListKeys() =>
        [.. _byId.Values.Where(c => c.Kind == CredentialKind.Key).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal).Select(ToKeyInfo)];

    public IReadOnlyList<EnrollmentTokenInfo> ListEnrollmentTokens() =>
        [.. _byId.Values.Where(c => c.Kind == CredentialKind.Enrollment).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal).Select(ToTokenInfo)];

    /// <summary>True when an admin key (revoked or not) has this name; agent ids may not take it.</summary>
    public bool IsKeyName(string name) => _byId.Values.Any(c => c.Kind == CredentialKind.Key && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Creates a key; null when a key of that name exists.</summary>
    public async Task<ApiKeyInfo?> CreateKeyAsync(CreateApiKeyRequest request, string createdBy, CancellationToken ct)
    {
        await _changes.WaitAsync(ct);
        try
        {
            if (IsKeyName(request.Name))
            {
                return null;
            }

            var token = Tokens.Generate(Tokens.AdminPrefix);
            var credential = new StoredCredential
            {
                Id = NewId("key"), Kind = CredentialKind.Key, Name = request.Name, Role = request.Role, TokenHash = Tokens.Hash(token),
                CreatedAt = time.GetUtcNow(), CreatedBy = createdBy, ExpiresAt = request.ExpiresAt,
            };
            await store.InsertAsync(credential, ct);
            Add(credential);
            cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.Credentials));
            LogKeyCreated(logger, credential.Name, WireNames.Of(credential.Role, MonitoringJsonContext.Default.KeyRole), createdBy);
            return ToKeyInfo(credential) with { Token = token };
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task<EnrollmentTokenInfo> CreateEnrollmentTokenAsync(CreateEnrollmentTokenRequest request, string createdBy, CancellationToken ct)
    {
        var token = Tokens.Generate(Tokens.EnrollmentPrefix);
        var credential = new StoredCredential
        {
            Id = NewId("enr"), Kind = CredentialKind.Enrollment, Name = request.Name, TokenHash = Tokens.Hash(token),
            CreatedAt = time.GetUtcNow(), CreatedBy = createdBy, ExpiresAt = request.ExpiresAt, MaxUses = request.MaxUses,
            AgentIdPattern = request.AgentIdPattern, Labels = request.Labels, RequireApproval = request.RequireApproval,
        };
        await store.InsertAsync(credential, ct);
        Add(credential);
        cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.Credentials));
        LogEnrollmentTokenCreated(logger, credential.Name, credential.Id, createdBy);
        return ToTokenInfo(credential) with { Token = token };
    }

    /// <summary>Revokes a credential of <paramref name="kind"/>; false when there is none with that id.</summary>
    public async Task<bool> RevokeAsync(CredentialKind kind, string id, string revokedBy, CancellationToken ct)
    {
        if (!_byId.TryGetValue(id, out var existing) || existing.Kind != kind)
        {
            return false;
        }

        var now = time.GetUtcNow();
        await store.RevokeAsync(id, now, ct);
        _byHash.TryRemove(existing.TokenHash, out _);
        _byId[id] = existing with { RevokedAt = existing.RevokedAt ?? now };
        cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.Credentials));
        LogRevoked(logger, kind == CredentialKind.Key ? "admin key" : "enrollment token", existing.Name, id, revokedBy);
        return true;
    }

    /// <summary>Counts one enrollment against the token; false when it has no use left.</summary>
    public async Task<bool> TryUseEnrollmentAsync(StoredCredential token, CancellationToken ct)
    {
        if (!await store.TryUseAsync(token.Id, ct))
        {
            return false;
        }

        if (_byId.TryGetValue(token.Id, out var current))
        {
            Add(current with { Uses = current.Uses + 1 });
        }

        return true;
    }

    private void Add(StoredCredential credential)
    {
        _byId[credential.Id] = credential;
        if (credential.RevokedAt is null)
        {
            _byHash[credential.TokenHash] = credential;
        }
    }

    private static string NewId(string prefix) => prefix + "_" + Guid.CreateVersion7().ToString("N")[..20];

    private static ApiKeyInfo ToKeyInfo(StoredCredential c) => new()
    {
        Id = c.Id, Name = c.Name, Role = c.Role, CreatedAt = c.CreatedAt, CreatedBy = c.CreatedBy, ExpiresAt = c.ExpiresAt, RevokedAt = c.RevokedAt,
    };

    private static EnrollmentTokenInfo ToTokenInfo(StoredCredential c) => new()
    {
        Id = c.Id, Name = c.Name, CreatedAt = c.CreatedAt, CreatedBy = c.CreatedBy, ExpiresAt = c.ExpiresAt, MaxUses = c.MaxUses, Uses = c.Uses,
        AgentIdPattern = c.AgentIdPattern, Labels = c.Labels, RequireApproval = c.RequireApproval, RevokedAt = c.RevokedAt,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin key {Name} ({Role}) created by {By}")]
    private static partial void LogKeyCreated(ILogger logger, string name, string role, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrollment token {Name} ({Id}) created by {By}")]
    private static partial void LogEnrollmentTokenCreated(ILogger logger, string name, string id, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Kind} {Name} ({Id}) was revoked by {By}")]
    private static partial void LogRevoked(ILogger logger, string kind, string name, string id, string by);
}
