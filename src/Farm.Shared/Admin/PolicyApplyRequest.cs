namespace Farm.Shared.Admin;

public sealed record PolicyApplyRequest(string Text, string? Author);
