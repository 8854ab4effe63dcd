using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>
/// The OpenAPI document of the v1 API at <c>/openapi/v1.json</c>, generated from the mapped endpoints: every route
/// with its summary, the credential it takes, and the problem responses it can give with their stable codes.
/// </summary>
internal static class OpenApiDocumentation
{
    public const string Route = "/openapi/{documentName}.json";
    public const string DocumentName = "v1";

    private const string BearerScheme = "bearer";
    private const string ProblemSchema = "Problem";

    /// <summary>Who may call an endpoint of each authorization policy, in the words of docs/security.md.</summary>
    private static readonly Dictionary<string, string> Callers = new(StringComparer.Ordinal)
    {
        [Roles.ReaderPolicy] = "an admin key with role reader, operator or admin",
        [Roles.OperatorPolicy] = "an admin key with role operator or admin",
        [Roles.AdminPolicy] = "an admin key with role admin",
        [Roles.AgentPolicy] = "the agent's own token (an approved agent)",
        [Roles.RegisterPolicy] = "an enrollment token, or the agent's own token",
        [Roles.UploaderPolicy] = "an admin key with role operator or admin, or an approved agent's token",
        [Roles.FileReaderPolicy] = "an admin key with role reader or higher, or an approved agent's token",
        [Roles.ThresholdsReaderPolicy] = "an admin key with role reader or higher, or an approved agent's token",
    };

    /// <summary>The problem responses every authenticated endpoint can give, each with the codes it carries.</summary>
    private static readonly (int Status, string Meaning, string[] Codes)[] CommonProblems =
    [
        (400, "The request is malformed or a value is out of range.", [ErrorCodes.InvalidRequest]),
        (401, "No credential, or one the manager does not know.", [ErrorCodes.Unauthorized]),
        (403, "The credential does not allow this call.", [ErrorCodes.Forbidden, ErrorCodes.AgentMismatch, ErrorCodes.AgentPending]),
        (404, "What the route names does not exist.", [ErrorCodes.NotFound, ErrorCodes.AgentNotFound, ErrorCodes.CommandNotFound, ErrorCodes.FileNotFound, ErrorCodes.CredentialNotFound]),
        (429, "Too many requests from this credential or address; retry after the Retry-After header.", [ErrorCodes.RateLimited]),
        (503, "The manager cannot write (its disk is full or failing); retry after the Retry-After header.", [ErrorCodes.Unavailable]),
    ];

    public static IServiceCollection AddMonitoringOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                Describe(operation, context);
                return Task.CompletedTask;
            });
        });

    /// <summary>Serves the document to readers: like every route, it needs a credential.</summary>
    public static void MapMonitoringOpenApi(this WebApplication app) =>
        app.MapOpenApi(Route).RequireAuthorization(Roles.ReaderPolicy).WithName("GetOpenApiDocument");

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Monitoring manager API",
            Version = DocumentName,
            Description = "The manager's v1 HTTP API (docs/protocol.md). Every route but /api/v1/health takes a bearer "
                + "credential: an admin key, an enrollment token or an agent token. Errors are problem details "
                + "(application/problem+json) with a stable `code`: " + string.Join(", ", AllCodes()) + ".",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An admin key (mon_adm_…), an enrollment token (mon_enr_…) or an agent token (mon_agt_…).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details with the manager's stable code.",
            Required = new HashSet<string> { "status", "code" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong and what to do next." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. AllCodes().Select(c => (JsonNode)JsonValue.Create(c))] },
            },
        };
    }

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Description = Append(operation.Description, "No credential needed.");
            return;
        }

        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
        var callers = policies.Select(p => Callers.TryGetValue(p, out var who) ? who : p).DefaultIfEmpty("any valid credential");
        operation.Description = Append(operation.Description, "Credential: " + string.Join("; ", callers) + ".");
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
        operation.Responses ??= new OpenApiResponses();
        foreach (var (status, meaning, codes) in CommonProblems)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key))
            {
                continue;
            }

            operation.Responses[key] = new OpenApiResponse
            {
                Description = $"{meaning} Codes: {string.Join(", ", codes)}.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                },
            };
        }
    }

    private static string Append(string? text, string more) => string.IsNullOrEmpty(text) ? more : text + " " + more;

    /// <summary>Every stable code, from <see cref="ErrorCodes"/>.</summary>
    private static IEnumerable<string> AllCodes() =>
        typeof(ErrorCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal);
}
