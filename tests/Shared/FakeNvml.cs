namespace Monitoring.Tests;

/// <summary>
/// The stand-in NVIDIA library of tests/fakes/nvml (two made-up GPUs), built with the system's C compiler into a
/// folder of its own as <c>libnvidia-ml.so.1</c>, so the agent's real NVML loading and calls run on a machine without
/// a GPU: in-process (load it by path) or in an agent process (LD_LIBRARY_PATH, as the driver's library is found).
/// </summary>
internal static class FakeNvml
{
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding the built <c>libnvidia-ml.so.1</c>.</summary>
    public static string Directory => Built.Value;

    /// <summary>The built library's path.</summary>
    public static string LibraryPath => Path.Combine(Directory, "libnvidia-ml.so.1");

    private static string Build()
    {
        var source = Path.Combine(ServerProcess.RepoRoot, "tests", "fakes", "nvml", "fake_nvml.c");
        var folder = System.IO.Directory.CreateTempSubdirectory("monitoring-fake-nvml-").FullName;
        (int Code, string Output) built;
        try
        {
            built = ProcessRun.RunAsync("cc", null, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", Path.Combine(folder, "libnvidia-ml.so.1"), source)
                .GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"The fake NVML library needs a C compiler (cc) to build: {ex.Message}. Install gcc (apt-get install gcc).", ex);
        }

        return built.Code == 0 ? folder : throw new InvalidOperationException($"cc could not build {source}: {built.Output}");
    }
}
