namespace Farm.Shared.Admin;

/// <summary>One open session as <c>sessions list</c> shows it.</summary>
public sealed record SessionInfo(
    long Id,
    string Node,
    string Client,
    string? User,
    string? Destination,
    string? Resolved,
    string State,
    long BytesUp,
    long BytesDown,
    double AgeSeconds);
