using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Monitoring.Internal;
using Monitoring.Protocol;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Monitoring.Client;

/// <summary>The HTTP plumbing under both clients: pinning, bearer auth, retries, problem details to exceptions.</summary>
internal sealed class ApiTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage>? _pipeline;
    private readonly ManagerConnectionOptions _options;
    private readonly ManagerAddresses _addresses;

    /// <summary>
    /// Creates the transport. Requests go through <paramref name="pipeline"/> (retries and per-attempt timeouts, see
    /// <see cref="BuildPipeline"/>) or, without one, are sent once within <see cref="ManagerConnectionOptions.AttemptTimeout"/>:
    /// the agent's own runtime retries through its spool and does not carry the pipeline's code.
    /// </summary>
    public ApiTransport(ManagerConnectionOptions options, ResiliencePipeline<HttpResponseMessage>? pipeline, ManagerAddresses? addresses = null)
    {
        _options = options;
        _addresses = addresses ?? new ManagerAddresses([options.BaseAddress, .. options.AlternateAddresses ?? []], 0, options.TimeProvider);
        var handler = options.Handler ?? CreateHandler(options.CertificateThumbprint);
        _http = new HttpClient(handler, disposeHandler: options.Handler is null)
        {
            // Per-attempt timeouts come from the pipeline; this is only a backstop.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Monitoring", ApiVersion.SdkVersion));
        _pipeline = pipeline;
    }

    public string? Token { get; set; }

    /// <summary>The manager requests go to now.</summary>
    public Uri BaseAddress => _addresses.Current;

    /// <summary>The managers this transport may use.</summary>
    public ManagerAddresses Addresses => _addresses;

    /// <summary>
    /// Creates a handler that trusts exactly the pinned public key (or certificate), or the system store when no pin
    /// is given. A public-key pin keeps working when the manager renews its certificate with the same key.
    /// </summary>
    public static HttpMessageHandler CreateHandler(string? thumbprint)
    {
        var handler = new HttpClientHandler();
        if (!string.IsNullOrWhiteSpace(thumbprint))
        {
            var pin = Hex.NormalizeThumbprint(thumbprint!);
            handler.ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                cert is not null && CertificatePins.Matches(cert, pin);
        }

        return handler;
    }

    public async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        Func<HttpContent>? content,
        JsonTypeInfo<T> responseType,
        string? token,
        CancellationToken cancellationToken,
        TimeSpan? once = null)
    {
        using var response = await SendRawAsync(method, path, content, token, cancellationToken, once).ConfigureAwait(false);
        return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
#if NET
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        try
        {
            var value = await JsonSerializer.DeserializeAsync(stream, responseType, cancellationToken).ConfigureAwait(false);
            return value ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new MonitoringApiException(
                $"The manager at {BaseAddress} sent a response this SDK cannot read ({ex.Message}); check that client and manager versions match.",
                (int)response.StatusCode, null, inner: ex);
        }
    }

    /// <summary>
    /// Sends a request. With <paramref name="once"/> it is sent a single time with that timeout and never retried:
    /// for calls that are not idempotent (queuing a command) or that wait on purpose (long-polls).
    /// </summary>
    public async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method,
        string path,
        Func<HttpContent>? content,
        string? token,
        CancellationToken cancellationToken,
        TimeSpan? once = null,
        Action<HttpRequestMessage>? configure = null)
    {
        var target = _addresses.Current;
        async ValueTask<HttpResponseMessage> SendAsync(CancellationToken ct)
        {
            // Each attempt goes to the manager in use now: a retry after a failover reaches the next one.
            target = _addresses.Current;
            using var request = new HttpRequestMessage(method, new Uri(target, path));
            var bearer = token ?? Token;
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            request.Content = content?.Invoke();
            configure?.Invoke(request);
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }

        HttpResponseMessage response;
        try
        {
            if ((once ?? (_pipeline is null ? _options.AttemptTimeout : null)) is { } timeout)
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(timeout);
                try
                {
                    response = await SendAsync(cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutRejectedException($"No answer within {timeout.TotalSeconds:0.#} s.", timeout, ex);
                }
            }
            else
            {
                response = await _pipeline!.ExecuteAsync(SendAsync, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            _addresses.MoveOn(target);
            throw Unreachable(ex, target, once);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        if ((int)response.StatusCode >= 500)
        {
            _addresses.MoveOn(target);
        }

        using (response)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    public static HttpContent Json<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    public void Dispose() => _http.Dispose();

    private MonitoringApiException Unreachable(Exception ex, Uri target, TimeSpan? timeout = null)
    {
        var root = ex;
        while (root.InnerException is not null)
        {
            if (root is AuthenticationException)
            {
                break;
            }

            root = root.InnerException;
        }

        var hint = root is AuthenticationException
            ? _options.CertificateThumbprint is null
                ? "the manager's certificate is not trusted; pass its SHA-256 thumbprint (from admin.json, or the manager's start-up log) as the certificate thumbprint."
                : "the manager's certificate does not match the pinned thumbprint; copy the current thumbprint from the manager's admin.json."
            : ex is TimeoutRejectedException
                ? $"no answer within {(timeout ?? _options.AttemptTimeout).TotalSeconds:0.#} s; check the manager is running and reachable."
                : $"{root.Message}; check the manager is running and the URL is right.";
        return new MonitoringApiException(
            $"Cannot reach the manager at {target}: {hint}", null, MonitoringApiException.UnreachableCode, inner: ex);
    }

    private static async Task<MonitoringApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        ApiProblem? problem = null;
        try
        {
#if NET
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
#else
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
#endif
            if (body.Length > 0)
            {
                problem = JsonSerializer.Deserialize(body, MonitoringJsonContext.Default.ApiProblem);
            }
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's error page, say): fall back to the status line.
        }

        var status = (int)response.StatusCode;
        var code = problem?.Code ?? status switch
        {
            401 => ErrorCodes.Unauthorized,
            403 => ErrorCodes.Forbidden,
            404 => ErrorCodes.NotFound,
            413 => ErrorCodes.PayloadTooLarge,
            _ => null,
        };
        var detail = problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "error";
        var hint = status switch
        {
            401 => " Check the token: it may be wrong or revoked.",
            403 => " This credential is not allowed to do that; use an admin token for admin calls.",
            _ => "",
        };
        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;
        return new MonitoringApiException($"The manager answered {status} {(HttpStatusCode)status}: {detail}{(detail.EndsWith(".", StringComparison.Ordinal) ? "" : ".")}{(problem?.Detail is null ? hint : "")}", status, code, problem)
        {
            RetryAfter = retryAfter is { } wait && wait > TimeSpan.Zero ? wait : null,
        };
    }

    /// <summary>The retry (transient failures, with jittered exponential backoff) and per-attempt timeout of <paramref name="options"/>.</summary>
    public static ResiliencePipeline<HttpResponseMessage> BuildPipeline(ManagerConnectionOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>(ex => !IsCertificateFailure(ex))
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout || (int)r.StatusCode == 429),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    // A certificate that does not match will not match on the next try either.
    private static bool IsCertificateFailure(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }
}
