using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage;

/// <summary>Statements on the writer connection, prepared or compiled once and reused by every later write.</summary>
internal sealed partial class SqliteDatabase
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SQLitePCL.sqlite3_stmt> _statements = new(StringComparer.Ordinal);

    /// <summary>
    /// A command on the writer connection for <paramref name="sql"/>, prepared once and reused by every later write
    /// (only the writer's loop runs writes, so the cache needs no lock). Parameters are added once by the caller
    /// when <paramref name="created"/> is true, and set on each use.
    /// </summary>
    public SqliteCommand Prepared(SqliteConnection conn, SqliteTransaction tx, string sql, out bool created)
    {
        created = !_prepared.TryGetValue(sql, out var cmd);
        if (created)
        {
            cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            _prepared[sql] = cmd;
        }

        cmd!.Transaction = tx;
        return cmd;
    }

    /// <summary>
    /// A statement on the writer connection compiled once for SQLite's own API, for the hottest write (a report's
    /// row): bound by position and reset after each use, without what Microsoft.Data.Sqlite does per execution (a
    /// parameter looked up by name and converted, each value boxed). Only the writer's loop uses it.
    /// </summary>
    public SQLitePCL.sqlite3_stmt Statement(SqliteConnection conn, string sql)
    {
        if (!_statements.TryGetValue(sql, out var stmt))
        {
            var rc = SQLitePCL.raw.sqlite3_prepare_v3(conn.Handle, sql, SQLitePCL.raw.SQLITE_PREPARE_PERSISTENT, out stmt, out _);
            SqliteException.ThrowExceptionForRC(rc, conn.Handle);
            _statements[sql] = stmt;
        }

        return stmt;
    }

    /// <summary>Runs a bound <see cref="Statement"/> that returns no rows; answers the rows it changed and leaves it reset for the next use.</summary>
    public static int Execute(SqliteConnection conn, SQLitePCL.sqlite3_stmt stmt)
    {
        var rc = SQLitePCL.raw.sqlite3_step(stmt);
        try
        {
            if (rc != SQLitePCL.raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, conn.Handle);
            }

            return SQLitePCL.raw.sqlite3_changes(conn.Handle);
        }
        finally
        {
            SQLitePCL.raw.sqlite3_reset(stmt);
        }
    }
}
