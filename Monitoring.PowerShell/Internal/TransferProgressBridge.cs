using System.Management.Automation;
using Monitoring.Files;
using Monitoring.Internal;

namespace Monitoring.PowerShell;

/// <summary>Turns SDK transfer progress into Write-Progress records, written on the pipeline thread.</summary>
internal sealed class TransferProgressBridge(int activityId, string activity, Action<Action> onPipeline, Action<ProgressRecord> write) : IProgress<TransferProgress>
{
    public void Report(TransferProgress value)
    {
        var record = new ProgressRecord(activityId, activity, value.Completed
            ? "Done"
            : $"{ByteSize.Format(value.BytesTransferred)} of {ByteSize.Format(value.TotalBytes)} at {ByteSize.Format((long)value.BytesPerSecond)}/s")
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
}
