using System.Globalization;

namespace Monitoring.Tests;

/// <summary>Large test files made on the fly, copied fixture trees, and process memory read from /proc.</summary>
internal static class TestFiles
{
    /// <summary>Writes <paramref name="size"/> bytes of varied data quickly, without holding them in memory.</summary>
    public static string Generate(string path, long size, int seed = 42)
    {
        var block = new byte[1 << 20];
        new Random(seed).NextBytes(block);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long written = 0, n = 0; written < size; n++)
        {
            BitConverter.TryWriteBytes(block, n);
            var count = (int)Math.Min(block.Length, size - written);
            stream.Write(block, 0, count);
            written += count;
        }

        return path;
    }

    /// <summary>Copies the folder <paramref name="from"/> with everything in it to <paramref name="to"/>.</summary>
    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }

    /// <summary>The peak resident memory (VmHWM) of a process, in bytes.</summary>
    public static long PeakRss(int pid) =>
        long.Parse(
            File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture) * 1024;
}
