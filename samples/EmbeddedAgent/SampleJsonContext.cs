using System.Text.Json.Serialization;

namespace EmbeddedAgent;

/// <summary>Command results are written with source-generated JSON, so the app stays trimming- and NativeAOT-safe.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DrainResult))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
