using System.Runtime.InteropServices;

namespace Monitoring.Metrics;

/// <summary>
/// Windows temperatures from the one source every Windows 8 or later machine has without extra drivers or
/// administrator rights: the ACPI thermal zones of the "Thermal Zone Information" performance counters (kelvin), read
/// through PDH. Many desktops expose no zone or a fixed one; laptops and servers usually expose the CPU's. A machine
/// without the counter set reports no temperatures and no error. Built and reviewed here; it runs only on Windows,
/// which the project's CI cannot run.
/// </summary>
#if NET
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
internal sealed class WindowsThermalZones : ITemperatureSource
{
    private const string CounterPath = @"\Thermal Zone Information(*)\Temperature";
    private const uint FormatDouble = 0x00000200;
    private const uint MoreData = 0x800007D2;
    private const double ZeroCelsiusInKelvin = 273.15;

    private nint _query;
    private readonly nint _counter;
    private byte[] _buffer = new byte[1024];

    public WindowsThermalZones()
    {
        if (PdhOpenQueryW(null, 0, out _query) != 0)
        {
            _query = 0;
            Description = "none: the performance counters (PDH) are not available";
            return;
        }

        if (PdhAddEnglishCounterW(_query, CounterPath, 0, out _counter) != 0)
        {
            Dispose();
            Description = "none: this Windows has no Thermal Zone Information counters";
            return;
        }

        // Counters are read against the previous collection; the first one primes them.
        _ = PdhCollectQueryData(_query);
        Description = "ACPI thermal zones (Thermal Zone Information counters)";
    }

    /// <inheritdoc />
    public string Description { get; private set; }

    /// <inheritdoc />
    public unsafe IReadOnlyList<TemperatureMetrics>? Collect()
    {
        if (_query == 0 || PdhCollectQueryData(_query) != 0)
        {
            return null;
        }

        uint size = (uint)_buffer.Length;
        uint count;
        uint status;
        while (true)
        {
            fixed (byte* buffer = _buffer)
            {
                status = PdhGetFormattedCounterArrayW(_counter, FormatDouble, ref size, out count, buffer);
            }

            if (status != MoreData)
            {
                break;
            }

            _buffer = new byte[Math.Max(size, (uint)_buffer.Length * 2)];
            size = (uint)_buffer.Length;
        }

        if (status != 0 || count == 0)
        {
            return null;
        }

        var zones = new List<TemperatureMetrics>((int)count);
        fixed (byte* buffer = _buffer)
        {
            var items = (CounterValueItem*)buffer;
            for (var i = 0; i < count; i++)
            {
                // A zone whose value is not valid now (CStatus other than PDH_CSTATUS_VALID_DATA or NEW_DATA) is left out.
                if (items[i].CStatus is 0 or 1 && Marshal.PtrToStringUni(items[i].Name) is { Length: > 0 } name)
                {
                    zones.Add(new TemperatureMetrics { Name = name, Celsius = Math.Round(items[i].Value - ZeroCelsiusInKelvin, 2) });
                }
            }
        }

        return zones.Count == 0 ? null : zones;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_query != 0)
        {
            _ = PdhCloseQuery(_query);
            _query = 0;
        }
    }

    /// <summary>PDH_FMT_COUNTERVALUE_ITEM_W with a double value: the instance name, then the status and the value.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct CounterValueItem
    {
        public nint Name;
        public uint CStatus;
        public double Value;
    }

    [DllImport("pdh.dll", CharSet = CharSet.Unicode)]
    private static extern uint PdhOpenQueryW(string? dataSource, nint userData, out nint query);

    [DllImport("pdh.dll", CharSet = CharSet.Unicode)]
    private static extern uint PdhAddEnglishCounterW(nint query, string path, nint userData, out nint counter);

    [DllImport("pdh.dll")]
    private static extern uint PdhCollectQueryData(nint query);

    [DllImport("pdh.dll", CharSet = CharSet.Unicode)]
    private static extern unsafe uint PdhGetFormattedCounterArrayW(nint counter, uint format, ref uint bufferSize, out uint itemCount, byte* items);

    [DllImport("pdh.dll")]
    private static extern uint PdhCloseQuery(nint query);
}
