using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Commands;
using Monitoring.Metrics;

namespace Monitoring.Protocol;

/// <summary>Source-generated JSON metadata for every type on the wire: camelCase, enums as strings, no reflection.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(RegisterResponse))]
[JsonSerializable(typeof(MetricSnapshot))]
[JsonSerializable(typeof(List<MetricSnapshot>))]
[JsonSerializable(typeof(StatusAck))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(AgentSummary))]
[JsonSerializable(typeof(List<AgentSummary>))]
[JsonSerializable(typeof(AgentInfo))]
[JsonSerializable(typeof(List<AgentInfo>))]
[JsonSerializable(typeof(AlertTransition))]
[JsonSerializable(typeof(List<AlertTransition>))]
[JsonSerializable(typeof(AlertRecord))]
[JsonSerializable(typeof(List<AlertRecord>))]
[JsonSerializable(typeof(AlertsAck))]
[JsonSerializable(typeof(Silence))]
[JsonSerializable(typeof(List<Silence>))]
[JsonSerializable(typeof(ThresholdsDocument))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(AdminConnection))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(CommandRequest))]
[JsonSerializable(typeof(CommandRecord))]
[JsonSerializable(typeof(List<CommandRecord>))]
[JsonSerializable(typeof(CommandDelivery))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(CommandDefinition))]
[JsonSerializable(typeof(ProcessCountResult))]
[JsonSerializable(typeof(ProcessListResult))]
[JsonSerializable(typeof(LogsResult))]
[JsonSerializable(typeof(RestartResult))]
[JsonSerializable(typeof(CreateFileRequest))]
[JsonSerializable(typeof(FileRecord))]
[JsonSerializable(typeof(List<FileRecord>))]
[JsonSerializable(typeof(SendFileResult))]
[JsonSerializable(typeof(ReceiveFileResult))]
[JsonSerializable(typeof(MetricSeries))]
[JsonSerializable(typeof(KeyRole))]
[JsonSerializable(typeof(AgentEnrollment))]
[JsonSerializable(typeof(ApiKeyInfo))]
[JsonSerializable(typeof(List<ApiKeyInfo>))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(EnrollmentTokenInfo))]
[JsonSerializable(typeof(List<EnrollmentTokenInfo>))]
[JsonSerializable(typeof(CreateEnrollmentTokenRequest))]
[JsonSerializable(typeof(Receiver))]
[JsonSerializable(typeof(List<Receiver>))]
[JsonSerializable(typeof(ReceiverTestResult))]
[JsonSerializable(typeof(NotificationRecord))]
[JsonSerializable(typeof(List<NotificationRecord>))]
[JsonSerializable(typeof(SmtpSecurity))]
[JsonSerializable(typeof(ReceiverState))]
[JsonSerializable(typeof(NotificationStatus))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext
{
}
