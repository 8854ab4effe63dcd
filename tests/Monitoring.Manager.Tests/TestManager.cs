using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Client;
using Monitoring.Manager;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests;

/// <summary>A real manager on a loopback port with its own data directory, started in-process on Kestrel.</summary>
public sealed class TestManager : IAsyncDisposable
{
    private WebApplication? _app;

    private TestManager(string dataDir, string[] extraArgs, int port, bool https)
    {
        DataDir = dataDir;
        ExtraArgs = extraArgs;
        Port = port;
        Https = https;
    }

    public string DataDir { get; }

    public string[] ExtraArgs { get; }

    public int Port { get; }

    public bool Https { get; }

    /// <summary>The running manager's services (its endpoint table, for example).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The manager is not running.");

    public Uri Url => new($"{(Https ? "https" : "http")}://127.0.0.1:{Port}");

    public AdminConnection Admin => JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(DataDir, "admin.json")), MonitoringJsonContext.Default.AdminConnection)!;

    public string EnrollmentToken => File.ReadAllText(Path.Combine(DataDir, "enrollment.token")).Trim();

    public static async Task<TestManager> StartAsync(params string[] extraArgs) => await StartAsync(false, extraArgs);

    public static Task<TestManager> StartAsync(bool https, params string[] extraArgs) =>
        StartInAsync(Directory.CreateTempSubdirectory("monitoring-manager-").FullName, https, extraArgs);

    /// <summary>Starts a manager on a data directory the test prepared (and that the manager deletes when disposed).</summary>
    public static async Task<TestManager> StartInAsync(string dataDir, bool https, params string[] extraArgs)
    {
        var manager = new TestManager(dataDir, extraArgs, TestNet.FreePort(), https);
        await manager.StartAgainAsync();
        return manager;
    }

    /// <summary>Starts (or restarts) the manager on the same port and data directory.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        string[] args = ["--urls", Url.GetLeftPart(UriPartial.Authority), "--data-dir", DataDir, .. ExtraArgs];
        _app = await ManagerApp.CreateAsync(args);
        await _app.StartAsync();
        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.Contains(bound, a => a.EndsWith(":" + Port, StringComparison.Ordinal));
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public ManagerClient AdminClient() => new(new ManagerConnectionOptions
    {
        BaseAddress = Url,
        Token = Admin.Token,
        CertificateThumbprint = Admin.CertificateThumbprint,
        MaxRetryAttempts = 0,
    });

    public HttpClient Http(string? token)
    {
        var http = new HttpClient { BaseAddress = Url };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return http;
    }

    public AgentConnection AgentConnection(string? token = null) => new(new ManagerConnectionOptions
    {
        BaseAddress = Url,
        Token = token,
        CertificateThumbprint = Https ? Admin.CertificateThumbprint : null,
        MaxRetryAttempts = 0,
    });

    /// <summary>Enrolls an agent and returns a connection that carries its token.</summary>
    public async Task<(AgentConnection Connection, string Token)> EnrollAsync(string agentId, double intervalSeconds = 10)
    {
        var connection = AgentConnection();
        var response = await connection.RegisterAsync(new RegisterRequest { AgentId = agentId, Os = "linux", IntervalSeconds = intervalSeconds }, EnrollmentToken);
        connection.Token = response.AgentToken;
        return (connection, response.AgentToken!);
    }

    public static MetricSnapshot Snapshot(long seq, DateTimeOffset? at = null) => new()
    {
        Seq = seq,
        Timestamp = at ?? DateTimeOffset.UtcNow,
        Cpu = new CpuMetrics { Percent = seq % 100, LogicalCores = 2, PerCore = [1, 2] },
        Memory = new MemoryMetrics { TotalBytes = 1000, UsedBytes = 500, Percent = 50 },
        Disks = [new DiskMetrics { Mount = "/", TotalBytes = 100, UsedBytes = 10, FreeBytes = 90, Percent = 10 }],
        Network = [new NetworkInterfaceMetrics { Name = "eth0", RxBytes = seq }],
        UptimeSeconds = 100 + seq,
        Processes = new ProcessMetrics { Count = 42 },
    };


    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
    }
}
