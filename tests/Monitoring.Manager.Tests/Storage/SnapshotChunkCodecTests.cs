using System.Text.Json;
using Monitoring.Manager.Storage.History;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage;

public sealed class SnapshotChunkCodecTests
{
    /// <summary>An hour of a busy machine at 10 s: drifting percentages, growing counters, a disk that appears.</summary>
    internal static List<MetricSnapshot> Hour(int count = 360, int seed = 1)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        var list = new List<MetricSnapshot>();
        double cpu = 20;
        long rx = 1_000_000, tx = 500_000;
        for (var i = 0; i < count; i++)
        {
            cpu = Math.Clamp(cpu + (random.NextDouble() - 0.5) * 10, 0, 100);
            rx += random.Next(0, 2_000_000);
            tx += random.Next(0, 500_000);
            var disks = new List<DiskMetrics>
            {
                new() { Mount = "/", Device = "/dev/vda1", FileSystem = "ext4", TotalBytes = 50_000_000_000, UsedBytes = 20_000_000_000 + (i * 4096), FreeBytes = 30_000_000_000 - (i * 4096), Percent = 40 + (i * 0.0001) },
            };
            if (i > count / 2)
            {
                disks.Add(new() { Mount = "/mnt/usb", Device = "/dev/sdb1", FileSystem = "vfat", TotalBytes = 16_000_000_000, UsedBytes = 1_000_000, FreeBytes = 15_999_000_000, Percent = 0.00625 });
            }

            list.Add(new MetricSnapshot
            {
                Seq = 1000 + i,
                Timestamp = start.AddSeconds(10 * i).AddMilliseconds(random.Next(0, 40)),
                Cpu = new CpuMetrics { Percent = cpu, UserPercent = cpu * 0.7, SystemPercent = cpu * 0.3, LogicalCores = 2, PerCore = [cpu * 0.9, cpu * 1.1] },
                Load = new LoadMetrics { OneMinute = cpu / 50, FiveMinutes = 0.4, FifteenMinutes = 0.3 },
                Memory = new MemoryMetrics { TotalBytes = 24_000_000_000, UsedBytes = 3_000_000_000 + random.Next(0, 1_000_000), AvailableBytes = 21_000_000_000, FreeBytes = 20_000_000_000, Percent = 12.5 + random.NextDouble() },
                Swap = new SwapMetrics(),
                Disks = disks,
                Network = [new NetworkInterfaceMetrics { Name = "eth0", RxBytes = rx, TxBytes = tx, RxPackets = rx / 1000, TxPackets = tx / 1000, RxBytesPerSec = random.Next(0, 200_000) / 1.3, TxBytesPerSec = random.Next(0, 50_000) / 1.7 },
                           new NetworkInterfaceMetrics { Name = "lo", RxBytes = 5000, TxBytes = 5000 }],
                UptimeSeconds = 86_400 + (10 * i) + 0.25,
                BootTime = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero),
                Processes = new ProcessMetrics { Count = 180 + random.Next(-5, 5) },
            });
        }

        return list;
    }

    [Fact]
    public void AnHourOfSnapshots_RoundTrips_WithDecimalsToAThousandth_InAFewBytesEach()
    {
        var snapshots = Hour();
        var json = snapshots.Select(s => (ReadOnlyMemory<byte>)JsonSerializer.SerializeToUtf8Bytes(s, MonitoringJsonContext.Default.MetricSnapshot)).ToList();

        var chunk = SnapshotChunkCodec.Encode(json);
        var decoded = SnapshotChunkCodec.Decode(chunk).Select(o => o.Deserialize(MonitoringJsonContext.Default.MetricSnapshot)!).ToList();

        Assert.Equal(snapshots.Count, decoded.Count);
        for (var i = 0; i < snapshots.Count; i++)
        {
            var (a, b) = (snapshots[i], decoded[i]);
            Assert.Equal(a.Seq, b.Seq);
            Assert.Equal(a.Timestamp, b.Timestamp);
            Assert.Equal(a.BootTime, b.BootTime);
            Assert.Equal(a.Cpu.Percent, b.Cpu.Percent, 0.0005);
            Assert.Equal(a.Cpu.PerCore.Count, b.Cpu.PerCore.Count);
            Assert.Equal(a.Memory.UsedBytes, b.Memory.UsedBytes);
            Assert.Equal(a.Disks.Select(d => (d.Mount, d.Device, d.UsedBytes)), b.Disks.Select(d => (d.Mount, d.Device, d.UsedBytes)));
            Assert.Equal(a.Network.Select(n => (n.Name, n.RxBytes, n.TxPackets)), b.Network.Select(n => (n.Name, n.RxBytes, n.TxPackets)));
            Assert.Equal(a.Network[0].RxBytesPerSec, b.Network[0].RxBytesPerSec, 0.0005);
            Assert.Equal(a.UptimeSeconds, b.UptimeSeconds, 0.0005);
            Assert.Equal(a.Processes.Count, b.Processes.Count);
            Assert.Equal(a.Swap.TotalBytes, b.Swap.TotalBytes);
        }

        var perSnapshot = chunk.Length / (double)snapshots.Count;
        Assert.True(perSnapshot < 120, $"{perSnapshot:0.0} bytes per snapshot");
    }

    [Fact]
    public void EmptyListsAndNulls_ReadBackAsTheyWere()
    {
        var s = TestManager.Snapshot(1) with { Disks = [], Load = null };
        var chunk = SnapshotChunkCodec.Encode([JsonSerializer.SerializeToUtf8Bytes(s, MonitoringJsonContext.Default.MetricSnapshot)]);

        var back = SnapshotChunkCodec.Decode(chunk)[0].Deserialize(MonitoringJsonContext.Default.MetricSnapshot)!;

        Assert.Empty(back.Disks);
        Assert.Null(back.Load);
        Assert.Equal("eth0", back.Network[0].Name);
    }

    [Fact]
    public void DictionaryKeysWithPathCharacters_ReadBackAsOneName()
    {
        var values = new Dictionary<string, double> { ["orders.queued"] = 17, ["a[0]"] = 1, ["back\\slash"] = 2, ["x.y[1].z"] = 3, ["plain"] = 4 };
        var s = TestManager.Snapshot(1) with { Application = new ApplicationMetrics { Name = "orders-api", Values = values } };
        var chunk = SnapshotChunkCodec.Encode([JsonSerializer.SerializeToUtf8Bytes(s, MonitoringJsonContext.Default.MetricSnapshot)]);

        var back = SnapshotChunkCodec.Decode(chunk)[0].Deserialize(MonitoringJsonContext.Default.MetricSnapshot)!;

        Assert.Equal(values, back.Application!.Values);
        Assert.Equal("orders-api", back.Application.Name);
    }

    [Fact]
    public void ChunksOfTheFirstVersion_StillRead()
    {
        var s = TestManager.Snapshot(7);
        var chunk = SnapshotChunkCodec.Encode([JsonSerializer.SerializeToUtf8Bytes(s, MonitoringJsonContext.Default.MetricSnapshot)]);
        var raw = new byte[1 << 16];
        Assert.True(System.IO.Compression.BrotliDecoder.TryDecompress(chunk, raw, out var length));
        Assert.Equal(2, raw[0]);
        raw[0] = 1; // What the first version wrote: the same layout, paths without escapes.
        var version1 = new byte[length + 1024];
        Assert.True(System.IO.Compression.BrotliEncoder.TryCompress(raw.AsSpan(0, length), version1, out var written));

        var back = SnapshotChunkCodec.Decode(version1[..written])[0].Deserialize(MonitoringJsonContext.Default.MetricSnapshot)!;

        Assert.Equal(7, back.Seq);
        Assert.Equal(s.Cpu.PerCore, back.Cpu.PerCore);
        Assert.Equal("eth0", back.Network[0].Name);
    }
}
