using Npgsql;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>Commands with named parameters (<c>@name</c>), nulls sent as SQL NULL.</summary>
internal static class Sql
{
    public static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    public static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : PostgresDatabase.FromMs(r.GetInt64(i));

    public static object Ms(DateTimeOffset? t) => t is { } v ? PostgresDatabase.ToMs(v) : DBNull.Value;
}
