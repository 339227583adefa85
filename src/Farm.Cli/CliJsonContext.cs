using System.Text.Json.Serialization;

namespace Farm.Cli;

/// <summary>farmctl's own JSON output (what does not come from a member).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatsReport))]
[JsonSerializable(typeof(ClientConfigResult))]
public sealed partial class CliJsonContext : JsonSerializerContext;
