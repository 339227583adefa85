using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Farm.Shared.Replication;

/// <summary>
/// Hands a message through unchanged within one actor system. Bound to the durable-store protocol
/// (Store, LoadData, ...), which only travels between the replicator and its local store child:
/// Akka.NET 1.5.73 neither marks those messages INoSerializationVerificationNeeded nor binds a
/// serializer for them, so with <c>serialize-messages = on</c> the JSON fallback fails on
/// DurableDataEnvelope and every Store is dropped. With verification off this is never called.
/// </summary>
public sealed class LocalOnlySerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int Id = 7302;

    private readonly ConcurrentDictionary<long, object> _inFlight = new();
    private long _next;

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        var handle = Interlocked.Increment(ref _next);
        _inFlight[handle] = obj;
        return BitConverter.GetBytes(handle);
    }

    public override object FromBinary(byte[] bytes, Type? type) =>
        bytes.Length == sizeof(long) && _inFlight.TryRemove(BitConverter.ToInt64(bytes), out var message)
            ? message
            : throw new SerializationException($"A local-only message ({type}) cannot leave the actor system that sent it");
}
