using Monitoring.Protocol;

namespace Monitoring.Manager.Security;

/// <summary>A signed-in dashboard: the key it stands for (by id, so revoking the key ends it), and its CSRF token.</summary>
internal sealed record DashboardSession(string CredentialId, string Name, KeyRole Role, string CsrfToken, DateTimeOffset ExpiresAt);
