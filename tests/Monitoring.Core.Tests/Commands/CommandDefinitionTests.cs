using System.Text.Json;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Commands;

public class CommandDefinitionTests
{
    private static readonly CommandDefinition Definition = new()
    {
        Name = "list_processes",
        Arguments =
        [
            new() { Name = "top", Type = CommandArgumentType.Integer, Minimum = 1, Maximum = 100 },
            new() { Name = "sortBy", Type = CommandArgumentType.String, AllowedValues = ["cpu", "memory"] },
            new() { Name = "verbose", Type = CommandArgumentType.Boolean },
            new() { Name = "path", Type = CommandArgumentType.String, Required = true, Maximum = 10 },
        ],
    };

    private static Dictionary<string, JsonElement> Args(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public void Validate_AcceptsWellTypedArguments() =>
        Assert.Null(Definition.Validate(Args("{\"top\":5,\"sortBy\":\"memory\",\"verbose\":true,\"path\":\"/var\"}")));

    [Theory]
    [InlineData("{\"path\":\"/\",\"top\":\"5\"}", "must be a whole number from 1 to 100")]
    [InlineData("{\"path\":\"/\",\"top\":2.5}", "must be a whole number")]
    [InlineData("{\"path\":\"/\",\"top\":0}", "out of range from 1 to 100")]
    [InlineData("{\"path\":\"/\",\"sortBy\":\"disk\"}", "must be one of cpu, memory")]
    [InlineData("{\"path\":\"/\",\"verbose\":\"yes\"}", "must be true or false")]
    [InlineData("{\"path\":\"/a/very/long/path\"}", "at most 10 characters")]
    [InlineData("{}", "needs the argument path (string)")]
    [InlineData("{\"path\":\"/\",\"colour\":\"red\"}", "has no argument 'colour'; it takes: top (integer from 1 to 100), sortBy (string: cpu|memory)")]
    public void Validate_ExplainsWhatIsWrong(string json, string expected)
    {
        var error = Definition.Validate(Args(json));

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CommandWithoutArguments_SaysSo() =>
        Assert.Equal("'get_status' takes no arguments; remove 'x'.", new CommandDefinition { Name = "get_status" }.Validate(Args("{\"x\":1}")));
}
