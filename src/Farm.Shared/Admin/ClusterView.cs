namespace Farm.Shared.Admin;

/// <summary>The membership as one member sees it.</summary>
public sealed record ClusterView(string Self, string? Leader, IReadOnlyList<ClusterMember> Members);
