namespace Farm.Shared.Admin;

/// <summary>Every failed admin request answers with this body, whatever its status code.</summary>
public sealed record AdminError(string Error);
