namespace Farm.Shared.Admin;

/// <summary>How long open sessions may keep flowing before they are closed; null waits for them to end.</summary>
public sealed record DrainRequest(double? DeadlineSeconds);
