using Akka.Actor;

namespace Farm.Shared.Replication;

/// <summary>Asks the member's policy replica which envelope it enforces; answered with <see cref="EnforcedPolicy"/>. Local only.</summary>
public sealed class GetEnforcedPolicy : INoSerializationVerificationNeeded
{
    public static readonly GetEnforcedPolicy Instance = new();

    private GetEnforcedPolicy()
    {
    }
}
