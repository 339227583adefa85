namespace Farm.Shared.Admin;

/// <summary>The member a join, leave or down command is about; null means the connected member.</summary>
public sealed record ClusterAddressRequest(string? Address);
