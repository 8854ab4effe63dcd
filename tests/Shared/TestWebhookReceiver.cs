using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Monitoring.Tests;

/// <summary>
/// A webhook receiver on a loopback port (HttpListener): answers 500 to the first <see cref="FailFirst"/> requests
/// and 200 to the rest, and keeps every request it got (headers and body) in order.
/// </summary>
internal sealed class TestWebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;

    public TestWebhookReceiver(int? port = null, int failFirst = 0)
    {
        Port = port ?? TestNet.FreePort();
        FailFirst = failFirst;
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>How many requests are answered 500 before the first 200.</summary>
    public int FailFirst { get; set; }

    /// <summary>Every request, in arrival order, with whether it was answered 200.</summary>
    public ConcurrentQueue<WebhookRequest> Requests { get; } = new();

    /// <summary>The requests answered 200.</summary>
    public IReadOnlyList<WebhookRequest> Accepted => [.. Requests.Where(r => r.Accepted)];

    /// <summary>Waits until an accepted request satisfies <paramref name="match"/> and returns it.</summary>
    public async Task<WebhookRequest> WaitForAsync(Func<WebhookRequest, bool> match, TimeSpan timeout, string what)
    {
        WebhookRequest? found = null;
        await TestNet.WaitUntilAsync(() => Task.FromResult((found = Accepted.FirstOrDefault(match)) is not null), timeout, what);
        return found!;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var accepted = Interlocked.Increment(ref _count) > FailFirst;
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new WebhookRequest(context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? "", headers, body.ToArray(), accepted));
            context.Response.StatusCode = accepted ? 200 : 500;
            var answer = Encoding.UTF8.GetBytes(accepted ? "ok" : "receiver down for the test");
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
