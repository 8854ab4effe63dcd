// Reads this machine's metrics with the SDK's collector alone: no manager, no agent. Usage: ReadCollectors [samples]
using Monitoring.Metrics;

var samples = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
using var collector = MetricCollector.CreateDefault();
collector.Collect(); // the baseline the first rates are measured against
for (var i = 0; i < samples; i++)
{
    await Task.Delay(TimeSpan.FromMilliseconds(500));
    var s = collector.Collect();
    var fullest = s.Disks.OrderByDescending(d => d.Percent).FirstOrDefault();
    Console.WriteLine(
        $"cpu {s.Cpu.Percent,5:0.0}%  memory {s.Memory.Percent,5:0.0}%  " +
        $"disk {fullest?.Mount ?? "-"} {fullest?.Percent ?? 0,5:0.0}%  " +
        $"rx {s.Network.Sum(n => n.RxBytesPerSec),10:0} B/s  processes {s.Processes.Count}  " +
        $"gpus {s.Gpus?.Count ?? 0}  sensors {s.Temperatures?.Count ?? 0}");
}
