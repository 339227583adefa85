using System.Collections.Immutable;
using Akka.DistributedData.Durable;

namespace Farm.Shared.Replication;

/// <summary>What a durable store directory held: the entries that could be read, and the files that could not.</summary>
internal sealed record DurableLoad(ImmutableDictionary<string, DurableDataEnvelope> Entries, IReadOnlyList<DurableStoreDamage> Damaged);
