namespace Monitoring.Manager.Storage;

/// <summary>Admin keys and enrollment tokens. Every write returns only once it is committed.</summary>
internal interface ICredentialStore
{
    Task InitializeAsync(CancellationToken ct);

    Task<IReadOnlyList<StoredCredential>> LoadAsync(CancellationToken ct);

    /// <summary>Inserts a credential; false when one with the same id exists.</summary>
    Task<bool> InsertAsync(StoredCredential credential, CancellationToken ct);

    /// <summary>Replaces the hash of a credential that is not revoked (the first-start tokens after their file was replaced).</summary>
    Task<bool> UpdateHashAsync(string id, string tokenHash, CancellationToken ct);

    /// <summary>Marks a credential revoked; false when it is unknown or was revoked already.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct);

    /// <summary>Counts one enrollment against a token's maximum; false when it has none left.</summary>
    Task<bool> TryUseAsync(string id, CancellationToken ct);
}
