using Akka.Actor;

namespace Farm.Shared.Discovery;

/// <summary>Publish this member's draining flag; answered with <see cref="Advertised"/> once the write has reached the other members or timed out.</summary>
public sealed record SetDraining(bool Draining) : INoSerializationVerificationNeeded;

/// <summary>The advertisement as published; <paramref name="Confirmed"/> is false when not every member acknowledged in time.</summary>
public sealed record Advertised(NodeAdvertisement Advertisement, bool Confirmed) : INoSerializationVerificationNeeded;
