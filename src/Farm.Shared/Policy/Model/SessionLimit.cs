namespace Farm.Shared.Policy;

/// <summary>
/// <c>limit [user U | group G | from CIDR] sessions N</c>: concurrent sessions on one node, counted
/// together for everything the subject covers (all members of a group, all sources in a network).
/// </summary>
public sealed record SessionLimit(int Line, LimitSubject Subject, int MaxSessions) : LimitRule(Line);
