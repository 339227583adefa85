using Google.Protobuf;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Reads which cluster command, if any, an inbound remoting message carries (an <c>AkkaProtocolMessage</c>
/// payload: envelope, then the serialized message, possibly inside actor-selection envelopes; WireFormats.proto
/// and ContainerFormats.proto). Akka's cluster daemon takes <c>Down</c> and <c>Leave</c> from any sender and
/// a <c>Join</c> for whatever address it names, so a peer may only join as the address its connection claimed
/// and never down or remove anyone remotely; and a message in a serializer members do not use between them
/// (<see cref="MemberSerializers"/>) is refused whatever it is, since the manifests above mean nothing there. A field repeated on the wire is read as protobuf reads it: an
/// embedded message merges every occurrence, a scalar keeps the last. Pure.
/// </summary>
public static class ClusterCommandPdu
{
    public const string JoinManifest = "Akka.Cluster.InternalClusterAction+Join, Akka.Cluster";
    public const string LeaveManifest = "Akka.Cluster.ClusterUserAction+Leave, Akka.Cluster";
    public const string DownManifest = "Akka.Cluster.ClusterUserAction+Down, Akka.Cluster";

    // Akka's MessageContainerSerializer, which carries ActorSelectionMessage (InitJoin and Join travel in one).
    private const int SelectionSerializerId = 6;
    private const int MaxSelectionDepth = 4;

    /// <summary>What the message asks the cluster daemon; <see cref="ClusterCommand.Other"/> for anything else, including what cannot be read.</summary>
    public static ClusterCommand Read(ByteString pdu)
    {
        try
        {
            // A control message (no payload) or an acknowledgement alone (no envelope) carries no message.
            if (ProtoFields.Scalar(pdu, 1) is not { } payload || ProtoFields.Scalar(payload, 2) is null)
            {
                return ClusterCommand.Other;
            }

            var message = ProtoFields.Merged(ProtoFields.Merged(payload, 2), 2);
            var bytes = ProtoFields.Scalar(message, 1) ?? ByteString.Empty;
            var serializer = SerializerOf(message);
            var manifest = (ProtoFields.Scalar(message, 3) ?? ByteString.Empty).ToStringUtf8();
            for (var depth = 0; ; depth++)
            {
                if (!MemberSerializers.Accepts(serializer))
                {
                    return ClusterCommand.InSerializer(serializer);
                }

                if (serializer != SelectionSerializerId)
                {
                    break;
                }

                if (depth == MaxSelectionDepth)
                {
                    return ClusterCommand.Unreadable;
                }

                // A SelectionEnvelope: its Payload (field 1) carries the enclosed message.
                var enclosed = ProtoFields.Merged(bytes, 1);
                bytes = ProtoFields.Scalar(enclosed, 1) ?? ByteString.Empty;
                serializer = SerializerOf(enclosed);
                manifest = (ProtoFields.Scalar(enclosed, 3) ?? ByteString.Empty).ToStringUtf8();
            }

            return manifest switch
            {
                DownManifest => ClusterCommand.Down,
                LeaveManifest => ClusterCommand.Leave,
                JoinManifest => JoinOf(bytes),
                _ => ClusterCommand.Other,
            };
        }
        catch (InvalidProtocolBufferException)
        {
            return ClusterCommand.Unreadable;
        }
    }

    // Akka's field is an int32: protobuf keeps the low 32 bits of the varint, and so does this.
    private static int SerializerOf(ByteString payload) => unchecked((int)ProtoFields.Varint(payload, 2));

    private static ClusterCommand JoinOf(ByteString join)
    {
        var address = ProtoFields.Merged(ProtoFields.Merged(join, 1), 1);
        var host = ProtoFields.Scalar(address, 2)?.ToStringUtf8();
        var port = ProtoFields.Varint(address, 3);
        return host is { Length: > 0 } ? ClusterCommand.JoinAs(host, (int)port) : ClusterCommand.Unreadable;
    }
}
