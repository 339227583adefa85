namespace Farm.Node.Sources;

/// <summary>The connection a newcomer takes the place of: the source's index in the table, and which of its connections.</summary>
public readonly record struct EvictionChoice(int Source, EvictionVictim Victim);
