using Akka.Actor;

namespace Farm.Shared.Replication;

/// <summary>The envelope a member enforces; null before its first replicated version. Local only.</summary>
public sealed record EnforcedPolicy(PolicyEnvelope? Envelope) : INoSerializationVerificationNeeded;
