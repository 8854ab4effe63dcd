using Monitoring.Configuration;

namespace Monitoring.Manager.Tests;

[CollectionDefinition(nameof(ConfigurationTests), DisableParallelization = true)]
public sealed class ConfigurationCollection;

// Changes process environment variables, so it never runs beside another test.
[Collection(nameof(ConfigurationTests))]
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Monitoring.sln")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        throw new InvalidOperationException("Monitoring.sln not found");
    }

    [Fact]
    public async Task ExampleManagerYaml_Loads_AndTheCommandLineOverridesIt()
    {
        // The example listens on 0.0.0.0:5000 with data in /var/lib; the command line moves both.
        await using var manager = await TestManager.StartAsync("--config", RepoFile("docs/manager.example.yaml"));

        using var admin = manager.AdminClient();
        Assert.Empty(await admin.GetAgentsAsync());
        Assert.True(File.Exists(Path.Combine(manager.DataDir, "admin.json")));
    }

    [Fact]
    public async Task UnknownKey_IsRefusedWithFileLineAndTheKnownKeys()
    {
        var path = Path.Combine(_dir, "manager.yaml");
        File.WriteAllText(path, "urls: http://127.0.0.1:0\nofflineAfter: 3\n");

        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => ManagerApp.CreateAsync(["--config", path, "--data-dir", _dir]));

        Assert.StartsWith($"{path}(2,", ex.Message, StringComparison.Ordinal);
        Assert.Contains("offlineAfterMissedIntervals", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadValue_NamesTheKeyAndItsPosition()
    {
        var path = Path.Combine(_dir, "manager.yaml");
        File.WriteAllText(path, "urls: http://127.0.0.1:0\nhistoryRetention: forever\n");

        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => ManagerApp.CreateAsync(["--config", path, "--data-dir", _dir]));

        Assert.Equal("historyRetention", ex.Key);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public async Task EnvironmentVariable_OverridesYaml_AndCommandLineOverridesBoth()
    {
        var path = Path.Combine(_dir, "manager.yaml");
        File.WriteAllText(path, "urls: http://127.0.0.1:0\nofflineAfterMissedIntervals: 1\n");
        Environment.SetEnvironmentVariable("MONITORING_OFFLINEAFTERMISSEDINTERVALS", "bogus");
        try
        {
            var fromEnv = await Assert.ThrowsAsync<ConfigurationException>(() => ManagerApp.CreateAsync(["--config", path, "--data-dir", _dir]));
            Assert.Contains("'bogus'", fromEnv.Message, StringComparison.Ordinal);

            await using var app = await ManagerApp.CreateAsync(["--config", path, "--data-dir", _dir, "--offline-after", "7"]);
            var options = (ManagerOptions)app.Services.GetService(typeof(ManagerOptions))!;
            Assert.Equal(7, options.OfflineAfterMissedIntervals);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MONITORING_OFFLINEAFTERMISSEDINTERVALS", null);
        }
    }
}
