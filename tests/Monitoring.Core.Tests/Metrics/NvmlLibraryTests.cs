using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Metrics;

/// <summary>The real loading and calling of NVML, against the C stand-in of tests/fakes/nvml built here.</summary>
public sealed class NvmlLibraryTests
{
    [Fact]
    public void TryLoad_WhereThereIsNoLibrary_SaysSoWithoutThrowing()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libnvidia-ml.so.1");

        Assert.Null(NvmlLibrary.TryLoad(missing, out var reason));

        Assert.Equal($"{missing} not found (no NVIDIA driver)", reason);
    }

    [Fact]
    public void TryLoad_ALibraryThatIsNotNvml_IsRefused()
    {
        Assert.Null(NvmlLibrary.TryLoad("libc.so.6", out var reason));

        Assert.Contains("lacks nvmlInit_v2", reason);
    }

    [Fact]
    public void Collect_ThroughTheLoadedLibrary_ReadsEveryGpu()
    {
        var nvml = NvmlLibrary.TryLoad(FakeNvml.LibraryPath, out var reason) ?? throw new InvalidOperationException(reason);
        using var gpus = GpuCollector.Open(nvml, out var description)!;

        var all = gpus.Collect();

        Assert.Equal($"2 NVIDIA GPUs through {FakeNvml.LibraryPath}, driver 550.54.15", description);
        Assert.Equal(2, all.Count);
        var h200 = all[0];
        Assert.Equal(new GpuMetrics
        {
            Index = 0,
            Name = "NVIDIA H200",
            Uuid = "GPU-5f2c1a9e-7b3d-4c6e-9a01-2b3c4d5e6f70",
            UtilizationPercent = 37,
            MemoryUtilizationPercent = 12,
            MemoryTotalBytes = 143771L << 20,
            // The v2 call: the driver's 480 MiB reservation is not "used" (v1 would say 480 MiB, nvidia-smi says 0).
            MemoryUsedBytes = 0,
            MemoryPercent = 0,
            TemperatureCelsius = 34,
            PowerWatts = 74.512,
            PowerLimitWatts = 700,
            FanPercent = null,
            GraphicsClockMHz = 1980,
            SmClockMHz = 1980,
            MemoryClockMHz = 3201,
        }, h200);
        var rtx = all[1];
        Assert.Equal(("NVIDIA GeForce RTX 4090", 86.0, 72.0, 19073L << 20), (rtx.Name, rtx.TemperatureCelsius!.Value, rtx.FanPercent!.Value, rtx.MemoryUsedBytes!.Value));
        Assert.Equal(77.65, rtx.MemoryPercent);
    }

    [Fact]
    public void Collect_ManyTimes_InitialisesNvmlOnceAndOpensEachGpuOnce()
    {
        var nvml = NvmlLibrary.TryLoad(FakeNvml.LibraryPath, out var reason) ?? throw new InvalidOperationException(reason);
        var before = Calls("nvmlInit_v2");
        var handles = Calls("nvmlDeviceGetHandleByIndex_v2");
        var names = Calls("nvmlDeviceGetName");
        var v1 = Calls("nvmlDeviceGetMemoryInfo");
        using (var gpus = GpuCollector.Open(nvml, out _)!)
        {
            for (var i = 0; i < 10; i++)
            {
                gpus.Collect();
            }
        }

        Assert.Equal(1, Calls("nvmlInit_v2") - before);
        Assert.Equal(2, Calls("nvmlDeviceGetHandleByIndex_v2") - handles);
        Assert.Equal(2, Calls("nvmlDeviceGetName") - names);
        Assert.Equal(0, Calls("nvmlDeviceGetMemoryInfo") - v1);
    }

    [Fact]
    public void LinuxCollector_WithNvml_PutsTheGpusInTheSnapshotAndItsJson()
    {
        var nvml = NvmlLibrary.TryLoad(FakeNvml.LibraryPath, out _)!;
        var gpus = GpuCollector.Open(nvml, out var description);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var collector = new LinuxMetricCollector("/proc", time, new HardwareSensors(gpus, description, null));

        var snapshot = collector.Collect();
        var json = JsonSerializer.Serialize(snapshot, MonitoringJsonContext.Default.MetricSnapshot);

        Assert.Equal(2, snapshot.Gpus!.Count);
        Assert.Null(snapshot.Temperatures);
        Assert.Contains("\"gpus\":[{\"index\":0,\"name\":\"NVIDIA H200\",\"uuid\":\"GPU-5f2c1a9e-7b3d-4c6e-9a01-2b3c4d5e6f70\",\"utilizationPercent\":37,", json);
        Assert.DoesNotContain("temperatures", json);
        Assert.DoesNotContain("fanPercent\":null", json);
        Assert.Equal(snapshot.Gpus, JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.MetricSnapshot)!.Gpus);
        Assert.StartsWith("GPUs: 2 NVIDIA GPUs through", collector.Sources);
    }

    /// <summary>How often the stand-in saw <paramref name="function"/> called, from its own counter.</summary>
    private static unsafe int Calls(string function)
    {
        var library = NativeLibrary.Load(FakeNvml.LibraryPath);
        var counter = (delegate* unmanaged[Cdecl]<byte*, uint>)NativeLibrary.GetExport(library, "fake_nvml_calls");
        var name = System.Text.Encoding.ASCII.GetBytes(function + "\0");
        fixed (byte* p = name)
        {
            return (int)counter(p);
        }
    }
}
