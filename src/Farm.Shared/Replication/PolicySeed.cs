namespace Farm.Shared.Replication;

/// <summary>Where a farm's first policy comes from: a file or the embedded default, read when it is needed.</summary>
public sealed record PolicySeed(string Source, Func<string> ReadText);
