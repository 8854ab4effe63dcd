using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

public sealed partial class OpenApiTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [GeneratedRegex(@"\{([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [Fact]
    public async Task TheDocument_ListsEveryMappedRoute_WithItsCredentialAndProblemCodes()
    {
        using var admin = _manager.AdminClient();
        var reader = await admin.CreateApiKeyAsync("openapi", KeyRole.Reader);
        using var http = _manager.Http(reader.Token);
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                documented.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                var description = operation.Value.GetProperty("description").GetString()!;
                // The anonymous routes: readiness, and the dashboard's sign-in (the key is in its body).
                if (path.Name == ApiRoutes.Health || (path.Name == ApiRoutes.Session && operation.Name == "post"))
                {
                    Assert.Contains("No credential needed", description, StringComparison.Ordinal);
                    continue;
                }

                Assert.Contains("Credential:", description, StringComparison.Ordinal);
                Assert.Equal("bearer", operation.Value.GetProperty("security")[0].EnumerateObject().Single().Name);
                var unauthorized = operation.Value.GetProperty("responses").GetProperty("401");
                Assert.Contains(ErrorCodes.Unauthorized, unauthorized.GetProperty("description").GetString(), StringComparison.Ordinal);
                Assert.Equal("#/components/schemas/Problem", unauthorized.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
            }
        }

        var mapped = _manager.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/openapi/{documentName}.json")
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                $"{m} {RouteParameter().Replace("/" + e.RoutePattern.RawText!.Trim('/'), "{$1}")}"))
            .ToHashSet(StringComparer.Ordinal);
        Assert.True(mapped.Count >= 30, $"only {mapped.Count} routes mapped");
        Assert.Equal(mapped.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        var codes = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Problem").GetProperty("properties").GetProperty("code").GetProperty("enum");
        Assert.Contains(ErrorCodes.AgentNotFound, codes.EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task TheDocument_NeedsACredential()
    {
        using var anonymous = _manager.Http(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }
}
