using System.Text.Json.Serialization;

namespace Farm.Shared.Records;

/// <summary>The session log's JSON lines, written by the node and read by farmctl: snake_case, nulls left out, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(SessionRecord))]
public sealed partial class SessionRecordJsonContext : JsonSerializerContext;
