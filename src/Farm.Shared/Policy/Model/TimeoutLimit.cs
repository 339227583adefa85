namespace Farm.Shared.Policy;

/// <summary><c>limit handshake-timeout|connect-timeout|idle-timeout DURATION</c>.</summary>
public sealed record TimeoutLimit(int Line, TimeoutKind Kind, TimeSpan Value) : LimitRule(Line);
