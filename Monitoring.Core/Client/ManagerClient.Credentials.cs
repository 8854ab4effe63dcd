using Monitoring.Protocol;

namespace Monitoring.Client;

/// <summary>Credentials and enrollment: admin keys, enrollment tokens, approving and resetting agents (admin keys only).</summary>
public sealed partial class ManagerClient
{
    /// <summary>Revokes an agent's token and lets its id enroll once more, for a re-installed machine.</summary>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.AgentNotFound"/> for an unknown id.</exception>
    public Task<AgentInfo> ResetAgentAsync(string agentId, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Post, ApiRoutes.ForAgentReset(agentId), null, MonitoringJsonContext.Default.AgentInfo, null, cancellationToken);

    /// <summary>Approves an agent that enrolled with a token needing approval, so it may report and take commands.</summary>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.AgentNotFound"/> for an unknown id.</exception>
    public Task<AgentInfo> ApproveAgentAsync(string agentId, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Post, ApiRoutes.ForAgentApprove(agentId), null, MonitoringJsonContext.Default.AgentInfo, null, cancellationToken);

    /// <summary>Every admin key with its role; tokens are never listed.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> GetApiKeysAsync(CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(HttpMethod.Get, ApiRoutes.Keys, null, MonitoringJsonContext.Default.ListApiKeyInfo, null, cancellationToken).ConfigureAwait(false);

    /// <summary>Creates a named admin key; the answer's <see cref="ApiKeyInfo.Token"/> is the only time the token is shown.</summary>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.CredentialExists"/> when the name is taken.</exception>
    public Task<ApiKeyInfo> CreateApiKeyAsync(string name, KeyRole role, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        var request = new CreateApiKeyRequest { Name = name, Role = role, ExpiresAt = expiresAt };
        return _transport.SendAsync(
            HttpMethod.Post, ApiRoutes.Keys, () => ApiTransport.Json(request, MonitoringJsonContext.Default.CreateApiKeyRequest),
            MonitoringJsonContext.Default.ApiKeyInfo, null, cancellationToken);
    }

    /// <summary>Revokes an admin key; it stops working at once.</summary>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.CredentialNotFound"/> for an unknown id.</exception>
    public async Task RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendRawAsync(HttpMethod.Delete, ApiRoutes.ForKey(keyId), null, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every enrollment token with its limits and uses; tokens are never listed.</summary>
    public async Task<IReadOnlyList<EnrollmentTokenInfo>> GetEnrollmentTokensAsync(CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(HttpMethod.Get, ApiRoutes.EnrollmentTokens, null, MonitoringJsonContext.Default.ListEnrollmentTokenInfo, null, cancellationToken).ConfigureAwait(false);

    /// <summary>Creates an enrollment token; the answer's <see cref="EnrollmentTokenInfo.Token"/> is the only time it is shown.</summary>
    public Task<EnrollmentTokenInfo> CreateEnrollmentTokenAsync(CreateEnrollmentTokenRequest request, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(
            HttpMethod.Post, ApiRoutes.EnrollmentTokens, () => ApiTransport.Json(request, MonitoringJsonContext.Default.CreateEnrollmentTokenRequest),
            MonitoringJsonContext.Default.EnrollmentTokenInfo, null, cancellationToken);

    /// <summary>Revokes an enrollment token; agents that enrolled with it keep their own tokens.</summary>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.CredentialNotFound"/> for an unknown id.</exception>
    public async Task RevokeEnrollmentTokenAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendRawAsync(HttpMethod.Delete, ApiRoutes.ForEnrollmentToken(tokenId), null, null, cancellationToken).ConfigureAwait(false);
    }
}
