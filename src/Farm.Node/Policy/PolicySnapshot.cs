using Farm.Shared.Policy;

namespace Farm.Node.Policy;

/// <summary>The compiled policy a node enforces, with where it came from.</summary>
public sealed record PolicySnapshot(CompiledPolicy Policy, long Version, string Source, DateTimeOffset LoadedAt);
