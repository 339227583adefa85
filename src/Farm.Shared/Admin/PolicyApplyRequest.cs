namespace Farm.Shared.Admin;

/// <summary>A policy to apply; <paramref name="Expected"/> is the version it replaces (null: the version the member enforces).</summary>
/// <param name="Operator">The operator's signature over this write, which the farm's policy writer checks itself (a TLS farm).</param>
public sealed record PolicyApplyRequest(string Text, string? Author, long? Expected = null, PolicyWriteSignature? Operator = null);
