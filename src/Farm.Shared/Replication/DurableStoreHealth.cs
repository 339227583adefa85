using Akka.Actor;

namespace Farm.Shared.Replication;

/// <summary>
/// Whether this member's durable store held a file it could not read. The store actor is created by the
/// replicator from configuration alone, so an actor-system extension is how it tells the policy replica
/// and the seeder, which must not treat "unreadable" as "empty".
/// </summary>
public sealed class DurableStoreHealth : IExtension
{
    private DurableStoreDamage? _damage;

    /// <summary>The first unreadable file since start, until a valid value is written over it.</summary>
    public DurableStoreDamage? Damage => Volatile.Read(ref _damage);

    public static DurableStoreHealth Get(ActorSystem system) => system.WithExtension<DurableStoreHealth, Provider>();

    internal void Report(DurableStoreDamage damage) => Interlocked.CompareExchange(ref _damage, damage, null);

    internal void Repaired(string file)
    {
        if (Damage is { } damage && damage.File == file)
            Interlocked.CompareExchange(ref _damage, null, damage);
    }

    public sealed class Provider : ExtensionIdProvider<DurableStoreHealth>
    {
        public override DurableStoreHealth CreateExtension(ExtendedActorSystem system) => new();
    }
}
