using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Tests;
using Npgsql;

/// <summary>
/// The managers a load run drives: one on its own SQLite, or one or more sharing a throwaway schema of a PostgreSQL
/// (the later ones with the first one's certificate and first-start secrets, as docs/scale-out.md says).
/// </summary>
internal sealed class ManagerFarm : IDisposable
{
    private readonly string _root;
    private readonly string? _postgres;
    private readonly string? _schema;
    private readonly List<ServerProcess> _processes = [];

    private ManagerFarm(string root, string? postgres)
    {
        _root = root;
        _postgres = postgres;
        _schema = postgres is null ? null : "load_" + Guid.NewGuid().ToString("N");
    }

    public List<string> Urls { get; } = [];

    public IReadOnlyList<ServerProcess> Processes => _processes;

    public string EnrollmentToken => File.ReadAllText(Path.Combine(DataDir(0), "enrollment.token")).Trim();

    public string AdminToken => JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir(0), "admin.json"))).RootElement.GetProperty("token").GetString()!;

    private string DataDir(int i) => Path.Combine(_root, "manager-" + i);

    private string? ConnectionString => _postgres is null ? null : new NpgsqlConnectionStringBuilder(_postgres) { SearchPath = _schema }.ConnectionString;

    public static async Task<ManagerFarm> StartAsync(string root, int count, string? postgres)
    {
        var farm = new ManagerFarm(root, postgres);
        if (postgres is not null)
        {
            await using var admin = new NpgsqlConnection(postgres);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {farm._schema}", admin);
            await create.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                Directory.CreateDirectory(farm.DataDir(i));
                foreach (var file in new[] { "admin.json", "enrollment.token" })
                {
                    File.Copy(Path.Combine(farm.DataDir(0), file), Path.Combine(farm.DataDir(i), file));
                }
            }

            var url = $"http://127.0.0.1:{TestNet.FreePort()}";
            string[] args =
            [
                "--urls", url, "--data-dir", farm.DataDir(i), "--max-request-body-bytes", "4194304",
                "--rateLimits:enrollmentsPerMinutePerAddress", "1000000", "--rateLimits:requestsPerSecondPerCredential", "1000000",
            ];
            var process = ServerProcess.Start("Monitoring.Manager", postgres is null
                ? args
                : [.. args, "--storage:provider", "postgres", "--storage:connectionString", farm.ConnectionString!]);
            farm._processes.Add(process);
            await process.WaitForOutputAsync("Monitoring manager started", TimeSpan.FromSeconds(60));
            farm.Urls.Add(url);
        }

        return farm;
    }

    /// <summary>CPU time the managers used so far, in seconds.</summary>
    public double ManagerCpuSeconds() => _processes.Sum(p => CpuSeconds(p.Id));

    /// <summary>CPU time every PostgreSQL process on this machine used so far, in seconds (a window's difference is what the run cost it).</summary>
    public static double PostgresCpuSeconds()
    {
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Comm(pid) == "postgres")
            {
                total += CpuSeconds(pid);
            }
        }

        return total;
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>utime + stime of a process from /proc (clock ticks of 1/100 s), in seconds; 0 once it is gone.</summary>
    private static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>The managers' resident memory together, in bytes.</summary>
    public long Rss() => _processes.Sum(p => Rss(p.Id));

    public async Task StopAsync()
    {
        foreach (var process in _processes)
        {
            await process.StopAsync(TimeSpan.FromSeconds(120));
        }
    }

    /// <summary>Snapshots stored, and distinct (agent, sequence number) pairs among them.</summary>
    public async Task<(long Rows, long Distinct)> StoredAsync()
    {
        const string Count = """
            SELECT (SELECT COUNT(*) FROM snapshots) + (SELECT COALESCE(SUM(count), 0) FROM snapshot_chunks),
                   (SELECT COUNT(*) FROM (SELECT DISTINCT agent_id, seq FROM snapshots) d) + (SELECT COALESCE(SUM(count), 0) FROM snapshot_chunks)
            """;
        if (_postgres is null)
        {
            using var conn = new SqliteConnection($"Data Source={Path.Combine(DataDir(0), "monitoring.db")};Mode=ReadOnly;Pooling=False");
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = Count;
            using var r = cmd.ExecuteReader();
            r.Read();
            return (r.GetInt64(0), r.GetInt64(1));
        }

        await using var pg = new NpgsqlConnection(ConnectionString);
        await pg.OpenAsync();
        await using var query = new NpgsqlCommand(Count, pg);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        SqliteConnection.ClearAllPools();
        if (_postgres is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(_postgres);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", admin);
            drop.ExecuteNonQuery();
        }

        Directory.Delete(_root, recursive: true);
    }

    private static long Rss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
