using System.Collections.Concurrent;

namespace Monitoring.Manager.Security;

/// <summary>
/// Dashboard sessions, in memory by the SHA-256 of their cookie (the cookie itself is never kept): a manager restart
/// signs everyone out. A session lasts <see cref="Lifetime"/> from sign-in and ends at once when its key is revoked.
/// </summary>
internal sealed class DashboardSessions(TimeProvider time)
{
    public const string CookieName = "mon_session";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string CookiePrefix = "mon_ses_";

    /// <summary>How long a sign-in lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>The most sessions held at once; the oldest give way (each needs a valid key, so this bounds memory, not access).</summary>
    public const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, DashboardSession> _byHash = new(StringComparer.Ordinal);

    public (string Cookie, DashboardSession Session) Create(Storage.StoredCredential key)
    {
        var now = time.GetUtcNow();
        foreach (var (hash, old) in _byHash)
        {
            if (old.ExpiresAt <= now)
            {
                _byHash.TryRemove(hash, out _);
            }
        }

        while (_byHash.Count >= MaxSessions && _byHash.MinBy(s => s.Value.ExpiresAt) is { Key: { } oldest })
        {
            _byHash.TryRemove(oldest, out _);
        }

        var cookie = Tokens.Generate(CookiePrefix);
        var session = new DashboardSession(key.Id, key.Name, key.Role, Tokens.Generate(""), now + Lifetime);
        _byHash[Tokens.Hash(cookie)] = session;
        return (cookie, session);
    }

    /// <summary>The live session of a cookie, or null.</summary>
    public DashboardSession? Find(string cookie) =>
        cookie.StartsWith(CookiePrefix, StringComparison.Ordinal) && cookie.Length <= 128
        && _byHash.TryGetValue(Tokens.Hash(cookie), out var session) && session.ExpiresAt > time.GetUtcNow() ? session : null;

    public void Remove(string cookie) => _byHash.TryRemove(Tokens.Hash(cookie), out _);
}
