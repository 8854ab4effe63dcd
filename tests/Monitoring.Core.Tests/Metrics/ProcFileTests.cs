using System.Diagnostics;
using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Metrics;

public sealed class ProcFileTests
{
    [Fact]
    public void MountTable_SignalsAMountAndAnUnmount_AndNothingInBetween()
    {
        Assert.True(Environment.UserName == "root", "This test mounts a small tmpfs to change the mount table, which needs root (as on CI).");
        var dir = Directory.CreateTempSubdirectory("monitoring-mount-").FullName;
        using var mounts = new ProcFile("/proc/self/mounts");
        Assert.True(mounts.ChangedSinceLastPoll(), "not read yet: the caller must read it");
        mounts.Read();
        Assert.False(mounts.ChangedSinceLastPoll());

        Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir);
        try
        {
            Assert.True(mounts.ChangedSinceLastPoll());
            Assert.False(mounts.ChangedSinceLastPoll());
            Assert.Contains(dir, System.Text.Encoding.UTF8.GetString(mounts.Read()), StringComparison.Ordinal);
        }
        finally
        {
            Run("umount", dir);
            Directory.Delete(dir);
        }

        Assert.True(mounts.ChangedSinceLastPoll());
        Assert.DoesNotContain(dir, System.Text.Encoding.UTF8.GetString(mounts.Read()), StringComparison.Ordinal);
    }

    private static void Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {error}");
    }
}
