namespace Farm.Shared.Policy;

/// <summary>
/// A parsed policy: plain data. Each statement keeps its source line, which names unnamed rules
/// ("line N") and which <see cref="PolicyPrinter"/> preserves, so rule identities survive a print.
/// </summary>
public sealed record PolicyDocument(
    EquatableArray<ClientRule> ClientRules,
    EquatableArray<UserEntry> Users,
    EquatableArray<GroupEntry> Groups,
    EquatableArray<RequestRule> Rules,
    EquatableArray<RouteRule> Routes,
    EquatableArray<LimitRule> Limits)
{
    public static PolicyDocument Empty { get; } = new([], [], [], [], [], []);
}
