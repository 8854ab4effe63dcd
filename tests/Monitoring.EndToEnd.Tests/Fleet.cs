using System.Security.Cryptography;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

/// <summary>A temporary manager data directory, agent state directories and helpers to reach the manager.</summary>
public sealed class Fleet : IDisposable
{
    private readonly List<ServerProcess> _processes = [];

    public Fleet()
    {
        Root = Directory.CreateTempSubdirectory("monitoring-e2e-").FullName;
        Port = TestNet.FreePort();
    }

    public string Root { get; }

    public int Port { get; }

    public string DataDir => Path.Combine(Root, "manager");

    public string ManagerUrl => $"https://127.0.0.1:{Port}";

    public AdminConnection Admin =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(DataDir, "admin.json")), MonitoringJsonContext.Default.AdminConnection)!;

    public async Task<ServerProcess> StartManagerAsync(params string[] extraArgs)
    {
        var manager = Track(ServerProcess.Start("Monitoring.Manager", ["--urls", ManagerUrl, "--data-dir", DataDir, .. extraArgs]));
        await manager.WaitForOutputAsync("Monitoring manager started", TimeSpan.FromSeconds(30));
        using var client = AdminClient();
        Assert.True(await client.IsHealthyAsync());
        return manager;
    }

    public ServerProcess StartAgent(
        string id, string interval, string? thumbprint = null, string? config = null, string? managers = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        string[] args =
        [
            "--manager", managers ?? ManagerUrl,
            "--enrollment-token-file", Path.Combine(DataDir, "enrollment.token"),
            "--certificate-thumbprint", thumbprint ?? Admin.CertificateThumbprint!,
            "--state-dir", StateDir(id),
            "--id", id,
            "--interval", interval,
        ];
        return Track(ServerProcess.StartWith(environment, null, "Monitoring.Agent", config is null ? args : [.. args, "--config", config]));
    }

    /// <summary>Writes an agent.yaml into the fleet's folder and returns its path.</summary>
    public string WriteConfig(string name, string yaml)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    public string StateDir(string id) => Path.Combine(Root, "agent-" + id);

    public string AgentToken(string id) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(StateDir(id), "state.json"))).RootElement.GetProperty("token").GetString()!;

    public ManagerClient AdminClient() => ManagerClient.FromConnectionFile(Path.Combine(DataDir, "admin.json"));

    /// <summary>A raw HTTP client that trusts exactly the manager's certificate.</summary>
    public HttpClient Http(string? token)
    {
        var pin = Admin.CertificateThumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                cert is not null && Convert.ToHexString(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo())) == pin,
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri(ManagerUrl) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return http;
    }


    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }

        Directory.Delete(Root, recursive: true);
    }

    private ServerProcess Track(ServerProcess p)
    {
        _processes.Add(p);
        return p;
    }
}
