namespace Farm.Shared.Replication;

/// <summary>The arbiter's answer to <see cref="ApplyPolicy"/>: the outcome, the version concerned and a sentence for the operator.</summary>
public sealed record PolicyWriteReply(ApplyOutcome Outcome, long Version, string Message, int Enforcing = 0, int Members = 0);
