using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.Postgres;

namespace Monitoring.Manager.Tests.Storage;

/// <summary>Both engines' schemas carry the same numbers: a step added to one is added to the other.</summary>
public sealed class SchemaNumberingTests
{
    [Fact]
    public void SqliteAndPostgres_AreAtTheSameSchemaVersion()
    {
        Assert.Equal(SqliteMigrations.Latest, PostgresMigrations.Latest);
    }
}
