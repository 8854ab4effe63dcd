namespace Monitoring.Files;

/// <summary>How far a transfer is: reported through <see cref="IProgress{T}"/> a few times a second and once at the end.</summary>
/// <param name="BytesTransferred">Bytes done, including any resumed from an earlier attempt.</param>
/// <param name="TotalBytes">The file's size.</param>
/// <param name="BytesPerSecond">The rate of this attempt so far.</param>
/// <param name="Completed">True on the last report.</param>
public readonly record struct TransferProgress(long BytesTransferred, long TotalBytes, double BytesPerSecond, bool Completed)
{
    /// <summary>Percentage done, 0–100.</summary>
    public double Percent => TotalBytes <= 0 ? 100 : Math.Round(100.0 * BytesTransferred / TotalBytes, 1);
}
