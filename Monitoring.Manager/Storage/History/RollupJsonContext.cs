using System.Text.Json.Serialization;

namespace Monitoring.Manager.Storage.History;

/// <summary>Source-generated JSON for rollup buckets as stored.</summary>
[JsonSerializable(typeof(List<RollupBucket>))]
internal sealed partial class RollupJsonContext : JsonSerializerContext
{
}
