using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Serialization;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Akka's JSON serializer (id 1) on members, which writes but never reads what another member sent. Distributed
/// Data deserialises each replicated value with the serializer id and manifest the sender wrote, inside its own
/// messages (id 12) that <see cref="ClaimCheckingHandle"/> lets through: a certificate holder could name any
/// type in JSON and have every member build it. Members never send JSON to each other (<see cref="MemberSerializers"/>),
/// so a JSON value from the wire is refused, counted and logged; the message that carried it is dropped.
/// It reads back only the very array it has just written on the same thread: <c>serialize-messages</c> (on in the
/// tests) round-trips local messages, Akka's own among them, through it that way, while bytes from the wire are
/// always a fresh array.
/// </summary>
public sealed class RefusingJsonSerializer : NewtonSoftJsonSerializer
{
    // Created on first use: the actor system is not far enough along to name a log source while it builds its serializers.
    private readonly Lazy<ILoggingAdapter> _log;

    /// <summary>The constructor Akka calls, as for its own JSON serializer (<c>akka.actor.serialization-settings.json</c>).</summary>
    public RefusingJsonSerializer(ExtendedActorSystem system, Config config)
        : base(system, config)
    {
        _log = new Lazy<ILoggingAdapter>(() => Logging.GetLogger(system, typeof(RefusingJsonSerializer)));
    }

    [ThreadStatic]
    private static byte[]? _written;

    public override byte[] ToBinary(object obj) => _written = base.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type type)
    {
        if (ReferenceEquals(bytes, _written))
        {
            _written = null;
            return base.FromBinary(bytes, type);
        }

        InboundRefusals.Count(InboundRefusals.Json);
        const string reason = "cluster: refused a value in Akka's JSON serializer (id 1) from another member: members never send JSON to each other; the message carrying it is dropped";
        _log.Value.Warning("{0}", reason);
        throw new SerializationException(reason);
    }
}
