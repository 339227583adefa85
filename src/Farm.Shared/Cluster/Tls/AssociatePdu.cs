using Google.Protobuf;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Reads the address a peer claims in the first message of Akka's association handshake (an
/// <c>AkkaProtocolMessage</c> carrying an ASSOCIATE <c>AkkaControlMessage</c>, WireFormats.proto). Pure;
/// anything else, or anything malformed, claims nothing.
/// </summary>
public static class AssociatePdu
{
    private const int Instruction = 2;
    private const int CommandType = 1;
    private const int HandshakeInfo = 2;
    private const int Origin = 1;
    private const int Hostname = 2;
    private const int Port = 3;
    private const int Associate = 1;

    /// <summary>The host and port an ASSOCIATE message claims as its origin, or null.</summary>
    public static (string Host, int Port)? ClaimedOrigin(ByteString pdu)
    {
        try
        {
            if (ProtoFields.Scalar(pdu, Instruction) is not { } control)
            {
                return null;
            }

            var command = 0UL;
            ByteString? handshake = null;
            var input = control.CreateCodedInput();
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case CommandType when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint:
                        command = input.ReadUInt64();
                        break;
                    case HandshakeInfo when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        handshake = input.ReadBytes();
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            if (command != Associate || handshake is null || ProtoFields.Scalar(handshake, Origin) is not { } origin)
            {
                return null;
            }

            string? host = null;
            var port = -1;
            input = origin.CreateCodedInput();
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case Hostname when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        host = input.ReadString();
                        break;
                    case Port when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint:
                        port = (int)input.ReadUInt32();
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            return host is { Length: > 0 } && port >= 0 ? (host, port) : null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
