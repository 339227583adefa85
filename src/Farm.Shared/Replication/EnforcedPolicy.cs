using Akka.Actor;

namespace Farm.Shared.Replication;

/// <summary>The envelope a member enforces (null before its first replicated version) and why it refuses the farm's newest, if it does. Local only.</summary>
public sealed record EnforcedPolicy(PolicyEnvelope? Envelope, string? Refusal = null) : INoSerializationVerificationNeeded;
