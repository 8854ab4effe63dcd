using System.Net;

namespace Monitoring.Files;

/// <summary>Streams a slice of a file as a request body, in constant memory, reporting progress as it goes.</summary>
internal sealed class ProgressContent(Stream source, long length, ProgressMeter meter) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var buffer = new byte[FileTransfer.BufferSize];
        var left = length;
        while (left > 0)
        {
            var read = await source.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, left)).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("The file got shorter while it was being sent; send it again.");
            }

            await stream.WriteAsync(buffer, 0, read).ConfigureAwait(false);
            left -= read;
            meter.Add(read);
        }
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}

/// <summary>Counts bytes and reports progress every 200 ms or 4 MiB, whichever comes first, and always at the end.</summary>
internal sealed class ProgressMeter(long total, long done, IProgress<TransferProgress>? progress, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private readonly long _startDone = done;
    private long _lastReport;
    private long _lastReportedBytes = done;

    public long Done { get; private set; } = done;

    public void Add(long bytes)
    {
        Done += bytes;
        var now = time.GetTimestamp();
        if (progress is not null && (time.GetElapsedTime(_lastReport, now) >= TimeSpan.FromMilliseconds(200) || Done - _lastReportedBytes >= 4 << 20))
        {
            _lastReport = now;
            _lastReportedBytes = Done;
            progress.Report(new TransferProgress(Done, total, Rate(now), false));
        }
    }

    public void Complete() => progress?.Report(new TransferProgress(Done, total, Rate(time.GetTimestamp()), true));

    private double Rate(long now)
    {
        var seconds = time.GetElapsedTime(_start, now).TotalSeconds;
        return seconds <= 0 ? 0 : Math.Round((Done - _startDone) / seconds);
    }
}
