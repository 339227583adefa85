namespace Farm.Cli;

/// <summary>
/// A bearer token and, when it was read from a member's token file, the user id owning that file: such a
/// token goes only to a listener that user owns.
/// </summary>
public sealed record AdminToken(string Value, uint? FileOwner, string? File);
