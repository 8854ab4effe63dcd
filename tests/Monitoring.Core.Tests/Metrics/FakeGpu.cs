using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Metrics;

/// <summary>One GPU of <see cref="FakeNvmlCalls"/>: its values and the status each call answers with.</summary>
internal sealed class FakeGpu(string name)
{
    public string Name { get; } = name;

    public uint Busy { get; set; } = 50;

    public ulong Total { get; set; } = 16UL << 30;

    public ulong Used { get; set; } = 4UL << 30;

    public uint Celsius { get; set; } = 60;

    public int HandleStatus { get; set; } = NvmlStatus.Success;

    public int MemoryV2Status { get; set; } = NvmlStatus.Success;

    public int TemperatureStatus { get; set; } = NvmlStatus.Success;

    public int FanStatus { get; set; } = NvmlStatus.Success;
}
