using System.Text.Json.Serialization;

namespace Farm.Shared.Admin;

/// <summary>The admin API's JSON, shared by the members and farmctl: snake_case, nulls left out, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(AdminError))]
[JsonSerializable(typeof(AdminMessage))]
[JsonSerializable(typeof(ClusterMember))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(ClusterAddressRequest))]
[JsonSerializable(typeof(ClusterEventLine))]
[JsonSerializable(typeof(PolicyView))]
[JsonSerializable(typeof(PolicyApplyRequest))]
[JsonSerializable(typeof(PolicyApplyResult))]
[JsonSerializable(typeof(IReadOnlyList<PolicyHistoryEntry>))]
[JsonSerializable(typeof(PolicyRollbackRequest))]
[JsonSerializable(typeof(PolicyReloadRequest))]
[JsonSerializable(typeof(PolicyStatus))]
[JsonSerializable(typeof(PolicyTestRequest))]
[JsonSerializable(typeof(PolicyTestResult))]
[JsonSerializable(typeof(DrainRequest))]
[JsonSerializable(typeof(DrainStatus))]
[JsonSerializable(typeof(SessionList))]
[JsonSerializable(typeof(IReadOnlyList<SessionList>))]
[JsonSerializable(typeof(SessionKillResult))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
