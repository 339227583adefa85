using Farm.Shared.Cluster.Tls;
using Google.Protobuf;

namespace Farm.Shared.Tests.Cluster;

/// <summary>
/// The claimed origin read from Akka's ASSOCIATE message (WireFormats.proto, written here field by field):
/// anything that is not a well-formed ASSOCIATE claims nothing, so the connection is refused.
/// </summary>
public sealed class AssociatePduTests
{
    [Fact]
    public void Associate_ClaimsItsOrigin()
    {
        Assert.Equal(("127.0.0.7", 4053), AssociatePdu.ClaimedOrigin(Protocol(Control(1, Handshake("127.0.0.7", 4053)))));
    }

    [Fact]
    public void Heartbeat_ClaimsNothing()
    {
        Assert.Null(AssociatePdu.ClaimedOrigin(Protocol(Control(3, Handshake("127.0.0.7", 4053)))));
    }

    [Fact]
    public void PayloadOnly_ClaimsNothing()
    {
        Assert.Null(AssociatePdu.ClaimedOrigin(Message(o => o.WriteTag(1, WireFormat.WireType.LengthDelimited), o => o.WriteBytes(ByteString.CopyFromUtf8("x")))));
    }

    [Fact]
    public void Garbage_ClaimsNothing()
    {
        Assert.Null(AssociatePdu.ClaimedOrigin(ByteString.CopyFrom(0x12, 0xff, 0xff, 0xff, 0x0f, 0x01)));
        Assert.Null(AssociatePdu.ClaimedOrigin(ByteString.Empty));
    }

    private static ByteString Protocol(ByteString control) =>
        Message(o => o.WriteTag(2, WireFormat.WireType.LengthDelimited), o => o.WriteBytes(control));

    private static ByteString Control(int command, ByteString handshake) =>
        Message(o => o.WriteTag(1, WireFormat.WireType.Varint), o => o.WriteEnum(command), o => o.WriteTag(2, WireFormat.WireType.LengthDelimited), o => o.WriteBytes(handshake));

    private static ByteString Handshake(string host, int port)
    {
        var origin = Message(
            o => o.WriteTag(1, WireFormat.WireType.LengthDelimited),
            o => o.WriteString("farm"),
            o => o.WriteTag(2, WireFormat.WireType.LengthDelimited),
            o => o.WriteString(host),
            o => o.WriteTag(3, WireFormat.WireType.Varint),
            o => o.WriteUInt32((uint)port));
        return Message(o => o.WriteTag(1, WireFormat.WireType.LengthDelimited), o => o.WriteBytes(origin), o => o.WriteTag(2, WireFormat.WireType.Fixed64), o => o.WriteFixed64(42));
    }

    private static ByteString Message(params Action<CodedOutputStream>[] writes)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        foreach (var write in writes)
        {
            write(output);
        }

        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }
}
