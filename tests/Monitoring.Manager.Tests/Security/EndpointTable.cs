using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Monitoring.Manager.Tests.Security;

/// <summary>Who may call each route, by endpoint name: the documented access model every route must be listed in.</summary>
internal static class EndpointTable
{
    [Flags]
    public enum Callers
    {
        None = 0,
        Anonymous = 1,
        Agent = 2,
        Enrollment = 4,
        Reader = 8,
        Operator = 16,
        Admin = 32,
        Keys = Reader | Operator | Admin,
        Operators = Operator | Admin,
    }

    public static readonly IReadOnlyDictionary<string, Callers> Expected = new Dictionary<string, Callers>(StringComparer.Ordinal)
    {
        ["Health"] = Callers.Anonymous | Callers.Agent | Callers.Enrollment | Callers.Keys,
        ["RegisterAgent"] = Callers.Agent | Callers.Enrollment,
        ["ListAgents"] = Callers.Keys,
        ["GetAgent"] = Callers.Keys,
        ["RemoveAgent"] = Callers.Admin,
        ["ResetAgent"] = Callers.Admin,
        ["ApproveAgent"] = Callers.Admin,
        ["ListKeys"] = Callers.Admin,
        ["CreateKey"] = Callers.Admin,
        ["RevokeKey"] = Callers.Admin,
        ["ListEnrollmentTokens"] = Callers.Admin,
        ["CreateEnrollmentToken"] = Callers.Admin,
        ["RevokeEnrollmentToken"] = Callers.Admin,
        ["PostStatus"] = Callers.Agent,
        ["GetStatusHistory"] = Callers.Keys,
        ["GetSeries"] = Callers.Keys,
        ["PostAlerts"] = Callers.Agent,
        ["ListAlerts"] = Callers.Keys,
        ["AcknowledgeAlert"] = Callers.Operators,
        ["ListSilences"] = Callers.Keys,
        ["CreateSilence"] = Callers.Admin,
        ["DeleteSilence"] = Callers.Admin,
        ["GetThresholds"] = Callers.Keys | Callers.Agent,
        ["PutThresholds"] = Callers.Admin,
        ["ListReceivers"] = Callers.Keys,
        ["GetReceiver"] = Callers.Keys,
        ["PutReceiver"] = Callers.Admin,
        ["DeleteReceiver"] = Callers.Admin,
        ["TestReceiver"] = Callers.Admin,
        ["ListNotifications"] = Callers.Keys,
        ["SendCommand"] = Callers.Operators,
        ["ListCommands"] = Callers.Keys,
        ["GetCommand"] = Callers.Keys,
        ["ListRecentCommands"] = Callers.Keys,
        ["NextCommand"] = Callers.Agent,
        ["StreamCommands"] = Callers.Agent,
        ["PostCommandResult"] = Callers.Agent,
        ["CreateFile"] = Callers.Operators | Callers.Agent,
        ["ListFiles"] = Callers.Keys,
        ["GetFile"] = Callers.Keys | Callers.Agent,
        ["DeleteFile"] = Callers.Operators,
        ["PutFileContent"] = Callers.Operators | Callers.Agent,
        ["GetFileContent"] = Callers.Keys | Callers.Agent,
        ["GetMetrics"] = Callers.Keys,
        ["SignIn"] = Callers.Anonymous | Callers.Agent | Callers.Enrollment | Callers.Keys,
        ["GetSession"] = Callers.Keys,
        ["SignOut"] = Callers.Keys,
        ["GetFleet"] = Callers.Keys,
        ["StreamEvents"] = Callers.Keys,
        ["GetOpenApiDocument"] = Callers.Keys,
    };

    /// <summary>Every mapped route of the running manager: name, method and template.</summary>
    public static IReadOnlyList<(string Name, string Method, string Template)> Routes(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m =>
                (e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "(unnamed " + e.RoutePattern.RawText + ")", m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))];
}
