#if NET
using System.Buffers;
#endif
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Monitoring.Client;

/// <summary>
/// A JSON request body serialized into a buffer that is kept for the next request: the agent reports every interval,
/// and this way one buffer serves the connection's life instead of an array per report. One request holds it at a
/// time (<see cref="TryAcquire"/> until <see cref="Release"/>); a caller that finds it held serializes on its own.
/// </summary>
internal sealed class ReusableJsonBody
{
#if NET
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Utf8JsonWriter? _writer;
#endif
    private int _held;

    /// <summary>Takes the buffer for one request; false while another request holds it.</summary>
    public bool TryAcquire() => Interlocked.CompareExchange(ref _held, 1, 0) == 0;

    /// <summary>Gives the buffer back once the request that held it has completed.</summary>
    public void Release() => Volatile.Write(ref _held, 0);

    /// <summary>Serializes <paramref name="value"/> into the held buffer (replacing what it held) as the request's content.</summary>
    public HttpContent Content<T>(T value, JsonTypeInfo<T> type)
    {
#if NET
        _buffer.ResetWrittenCount();
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(_buffer);
        }
        else
        {
            _writer.Reset(_buffer);
        }

        JsonSerializer.Serialize(_writer, value, type);
        _writer.Flush();
        var content = new ReadOnlyMemoryContent(_buffer.WrittenMemory);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
#else
        return ApiTransport.Json(value, type);
#endif
    }
}
