using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Metrics;

public sealed class GpuCollectorTests
{
    [Fact]
    public void Open_WhenTheDriverIsNotLoaded_GivesNoCollectorAndSaysWhy()
    {
        var nvml = new FakeNvmlCalls { InitStatus = NvmlStatus.DriverNotLoaded };

        Assert.Null(GpuCollector.Open(nvml, out var why));

        Assert.Equal("none: fake is installed but no NVIDIA driver is loaded", why);
        Assert.Equal(1, nvml.CallsTo("Dispose"));
    }

    [Fact]
    public void Open_WithoutGpus_ShutsNvmlDownAgain()
    {
        var nvml = new FakeNvmlCalls();

        Assert.Null(GpuCollector.Open(nvml, out var why));

        Assert.Equal("none: NVML found no GPU", why);
        Assert.Equal(1, nvml.CallsTo("Shutdown"));
    }

    [Fact]
    public void Open_SkipsAGpuItMayNotOpen_AndKeepsTheOthers()
    {
        var nvml = new FakeNvmlCalls();
        nvml.Gpus.Add(new FakeGpu("A") { HandleStatus = NvmlStatus.NoPermission });
        nvml.Gpus.Add(new FakeGpu("B"));

        using var gpus = GpuCollector.Open(nvml, out var description)!;

        var gpu = Assert.Single(gpus.Collect());
        Assert.Equal(1, gpu.Index);
        Assert.Equal("B", gpu.Name);
        Assert.Equal("1 NVIDIA GPU through fake, driver 535.104.05 (skipped GPU 0: Insufficient Permissions)", description);
    }

    [Fact]
    public void Collect_ReadsEveryValue_InTheSnapshotsUnits()
    {
        var nvml = new FakeNvmlCalls();
        nvml.Gpus.Add(new FakeGpu("A") { Busy = 37, Total = 16UL << 30, Used = 4UL << 30, Celsius = 71 });
        using var gpus = GpuCollector.Open(nvml, out _)!;

        var gpu = Assert.Single(gpus.Collect());

        Assert.Equal(0, gpu.Index);
        Assert.Equal("GPU-A", gpu.Uuid);
        Assert.Equal(37, gpu.UtilizationPercent);
        Assert.Equal(5, gpu.MemoryUtilizationPercent);
        Assert.Equal(16L << 30, gpu.MemoryTotalBytes);
        Assert.Equal(4L << 30, gpu.MemoryUsedBytes);
        Assert.Equal(25, gpu.MemoryPercent);
        Assert.Equal(71, gpu.TemperatureCelsius);
        Assert.Equal(250.5, gpu.PowerWatts);
        Assert.Equal(300, gpu.PowerLimitWatts);
        Assert.Equal(40, gpu.FanPercent);
        Assert.Equal((1000, 1001, 1002), (gpu.GraphicsClockMHz, gpu.SmClockMHz, gpu.MemoryClockMHz));
    }

    [Fact]
    public void Collect_InitialisesOnce_AndKeepsTheHandles()
    {
        var nvml = new FakeNvmlCalls();
        nvml.Gpus.Add(new FakeGpu("A"));
        nvml.Gpus.Add(new FakeGpu("B"));
        using (var gpus = GpuCollector.Open(nvml, out _)!)
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(2, gpus.Collect().Count);
            }
        }

        Assert.Equal(1, nvml.CallsTo("Init"));
        Assert.Equal(2, nvml.CallsTo("DeviceHandle"));
        Assert.Equal(10, nvml.CallsTo("Utilization"));
        Assert.Equal(1, nvml.CallsTo("Shutdown"));
    }

    [Fact]
    public void Collect_StopsAskingForWhatAGpuDoesNotHave()
    {
        var nvml = new FakeNvmlCalls();
        nvml.Gpus.Add(new FakeGpu("passive") { FanStatus = NvmlStatus.NotSupported });
        using var gpus = GpuCollector.Open(nvml, out _)!;

        var first = gpus.Collect()[0];
        var second = gpus.Collect()[0];

        Assert.Null(first.FanPercent);
        Assert.Null(second.FanPercent);
        Assert.Equal(1, nvml.CallsTo("FanSpeed"));
        Assert.Equal(2, nvml.CallsTo("Temperature"));
    }

    [Fact]
    public void Collect_OnADriverWithoutTheV2MemoryCall_FallsBackToV1ForGood()
    {
        var nvml = new FakeNvmlCalls();
        nvml.Gpus.Add(new FakeGpu("old") { MemoryV2Status = NvmlStatus.FunctionNotFound });
        using var gpus = GpuCollector.Open(nvml, out _)!;

        var first = gpus.Collect()[0];
        var second = gpus.Collect()[0];

        // v1's "used" counts the driver's reservation (the fake adds 1000 bytes to show which call answered).
        Assert.Equal((4L << 30) + 1000, first.MemoryUsedBytes);
        Assert.Equal(first.MemoryUsedBytes, second.MemoryUsedBytes);
        Assert.Equal(1, nvml.CallsTo("MemoryV2"));
        Assert.Equal(2, nvml.CallsTo("Memory"));
    }

    [Fact]
    public void Collect_AfterAPassingFailure_AsksAgain()
    {
        var nvml = new FakeNvmlCalls();
        var gpu = new FakeGpu("flaky") { TemperatureStatus = NvmlStatus.GpuIsLost, Celsius = 55 };
        nvml.Gpus.Add(gpu);
        using var gpus = GpuCollector.Open(nvml, out _)!;

        Assert.Null(gpus.Collect()[0].TemperatureCelsius);
        gpu.TemperatureStatus = NvmlStatus.Success;
        Assert.Equal(55, gpus.Collect()[0].TemperatureCelsius);
    }
}
