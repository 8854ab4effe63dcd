using Monitoring.Manager.Storage.History;
using Monitoring.Manager.Storage.Postgres;

namespace Monitoring.Manager.Storage;

/// <summary>
/// Registers the stores of the engine manager.yaml chooses: embedded SQLite (the default, one manager) or a shared
/// PostgreSQL (any number of managers, with the signals and leadership that keep them one fleet).
/// </summary>
internal static class StorageRegistration
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static IServiceCollection AddMonitoringStorage(this IServiceCollection services, ManagerOptions options)
    {
        if (options.StorageProvider == Postgres)
        {
            services.AddSingleton(_ => new PostgresDatabase(options.StorageConnectionString!));
            services.AddSingleton<IStoreStats>(sp => sp.GetRequiredService<PostgresDatabase>());
            services.AddSingleton<IAgentStore>(sp => new PostgresAgentStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<IAlertStore>(sp => new PostgresAlertStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<ICommandStore>(sp => new PostgresCommandStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<IFileRecordStore>(sp => new PostgresFileRecordStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<ICredentialStore>(sp => new PostgresCredentialStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<IHistoryStore>(sp => new PostgresHistoryStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<INotificationStore>(sp => new PostgresNotificationStore(sp.GetRequiredService<PostgresDatabase>()));

            // Several managers may share the database: they tell each other what changed, and one leads the fleet-wide jobs.
            services.AddSingleton<Cluster.ClusterSync>();
            services.AddHostedService(sp => sp.GetRequiredService<Cluster.ClusterSync>());
            services.AddSingleton<Cluster.PostgresSignals>();
            services.AddSingleton<Cluster.IClusterSignals>(sp => sp.GetRequiredService<Cluster.PostgresSignals>());
            services.AddHostedService(sp => sp.GetRequiredService<Cluster.PostgresSignals>());
            services.AddSingleton<Cluster.PostgresLeadership>();
            services.AddSingleton<Cluster.ILeadership>(sp => sp.GetRequiredService<Cluster.PostgresLeadership>());
            services.AddHostedService(sp => sp.GetRequiredService<Cluster.PostgresLeadership>());
            return services;
        }

        services.AddSingleton(_ => new SqliteDatabase(options.DataDirectory));
        services.AddSingleton<IStoreStats>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IAgentStore>(sp => new SqliteAgentStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IAlertStore>(sp => new SqliteAlertStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<ICommandStore>(sp => new SqliteCommandStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IFileRecordStore>(sp => new SqliteFileRecordStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<ICredentialStore>(sp => new SqliteCredentialStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IHistoryStore>(sp => new SqliteHistoryStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<INotificationStore>(sp => new SqliteNotificationStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<Cluster.IClusterSignals, Cluster.SoloSignals>();
        services.AddSingleton<Cluster.ILeadership, Cluster.SoloLeadership>();
        return services;
    }
}
