namespace Monitoring.Metrics;

/// <summary>The NVML return codes and constants GPU collection acts on (from <c>nvml.h</c>).</summary>
internal static class NvmlStatus
{
    public const int Success = 0;
    public const int NotSupported = 3;
    public const int NoPermission = 4;
    public const int NotFound = 6;
    public const int DriverNotLoaded = 9;
    public const int FunctionNotFound = 13;
    public const int GpuIsLost = 15;

    public const int GraphicsClock = 0;
    public const int SmClock = 1;
    public const int MemoryClock = 2;

    /// <summary>True when asking again can never succeed for this device: the call is not there or not for it.</summary>
    public static bool IsPermanent(int status) => status is NotSupported or FunctionNotFound or NoPermission;
}
