using Google.Protobuf;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Reads which cluster command, if any, an inbound remoting message carries (an <c>AkkaProtocolMessage</c>
/// payload: envelope, then the serialized message, possibly inside actor-selection envelopes; WireFormats.proto
/// and ContainerFormats.proto). Akka's cluster daemon takes <c>Down</c> and <c>Leave</c> from any sender and
/// a <c>Join</c> for whatever address it names, so a peer may only join as the address its connection claimed
/// and never down or remove anyone remotely. A field repeated on the wire is read as protobuf reads it: an
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
            if (Scalar(pdu, 1) is not { } payload)
            {
                return ClusterCommand.Other;
            }

            var message = Merged(Merged(payload, 2), 2);
            var bytes = Scalar(message, 1) ?? ByteString.Empty;
            var serializer = Varint(message, 2);
            var manifest = (Scalar(message, 3) ?? ByteString.Empty).ToStringUtf8();
            for (var depth = 0; serializer == SelectionSerializerId; depth++)
            {
                if (depth == MaxSelectionDepth)
                {
                    return ClusterCommand.Unreadable;
                }

                // A SelectionEnvelope: its Payload (field 1) carries the enclosed message.
                var enclosed = Merged(bytes, 1);
                bytes = Scalar(enclosed, 1) ?? ByteString.Empty;
                serializer = Varint(enclosed, 2);
                manifest = (Scalar(enclosed, 3) ?? ByteString.Empty).ToStringUtf8();
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

    private static ClusterCommand JoinOf(ByteString join)
    {
        var address = Merged(Merged(join, 1), 1);
        var host = Scalar(address, 2)?.ToStringUtf8();
        var port = Varint(address, 3);
        return host is { Length: > 0 } ? ClusterCommand.JoinAs(host, (int)port) : ClusterCommand.Unreadable;
    }

    /// <summary>Every occurrence of embedded message field <paramref name="number"/>, concatenated: protobuf's merge.</summary>
    private static ByteString Merged(ByteString message, int number)
    {
        List<ByteString>? parts = null;
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                (parts ??= []).Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return parts switch
        {
            null => ByteString.Empty,
            [var only] => only,
            _ => ByteString.CopyFrom([.. parts.SelectMany(p => p.ToByteArray())]),
        };
    }

    /// <summary>The last occurrence of length-delimited scalar field <paramref name="number"/> (bytes or string), or null.</summary>
    private static ByteString? Scalar(ByteString message, int number)
    {
        ByteString? found = null;
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found = input.ReadBytes();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    /// <summary>The last occurrence of varint field <paramref name="number"/>, or 0 (proto3's default).</summary>
    private static ulong Varint(ByteString message, int number)
    {
        var found = 0UL;
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
            {
                found = input.ReadUInt64();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }
}
