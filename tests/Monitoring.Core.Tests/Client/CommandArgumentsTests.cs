using System.Text.Json;
using Monitoring.Client;

namespace Monitoring.Core.Tests.Client;

public class CommandArgumentsTests
{
    [Fact]
    public void From_ConvertsStringsBooleansAndWholeNumbers()
    {
        var args = CommandArguments.From(new Dictionary<string, object?> { ["top"] = 5, ["big"] = 5_000_000_000L, ["sortBy"] = "cpu", ["all"] = true, ["skip"] = null });

        Assert.Equal(JsonValueKind.Number, args["top"].ValueKind);
        Assert.Equal(5_000_000_000L, args["big"].GetInt64());
        Assert.Equal("cpu", args["sortBy"].GetString());
        Assert.True(args["all"].GetBoolean());
        Assert.False(args.ContainsKey("skip"));
    }

    [Fact]
    public void From_RefusesOtherTypesNamingTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => CommandArguments.From(new Dictionary<string, object?> { ["when"] = DateTime.UtcNow }));

        Assert.Contains("'when'", ex.Message, StringComparison.Ordinal);
    }
}
