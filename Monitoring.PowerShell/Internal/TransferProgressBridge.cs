using System.Management.Automation;
using Monitoring.Files;

namespace Monitoring.PowerShell;

/// <summary>Turns SDK transfer progress into Write-Progress records, written on the pipeline thread.</summary>
internal sealed class TransferProgressBridge(int activityId, string activity, Action<Action> onPipeline, Action<ProgressRecord> write) : IProgress<TransferProgress>
{
    public void Report(TransferProgress value)
    {
        var record = new ProgressRecord(activityId, activity, value.Completed
            ? "Done"
            : $"{Size(value.BytesTransferred)} of {Size(value.TotalBytes)} at {Size((long)value.BytesPerSecond)}/s")
        {
            PercentComplete = (int)Math.Min(100, value.Percent),
            RecordType = value.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        if (value.BytesPerSecond > 0 && !value.Completed)
        {
            record.SecondsRemaining = (int)((value.TotalBytes - value.BytesTransferred) / value.BytesPerSecond);
        }

        onPipeline(() => write(record));
    }

    public void Start(string status) =>
        onPipeline(() => write(new ProgressRecord(activityId, activity, status)));

    private static string Size(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB"
        : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB"
        : bytes >= 1 << 10 ? $"{bytes / 1024.0:0.0} KiB"
        : $"{bytes} B";
}
