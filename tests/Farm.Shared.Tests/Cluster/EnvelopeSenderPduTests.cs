using Farm.Shared.Cluster.Tls;
using Google.Protobuf;

namespace Farm.Shared.Tests.Cluster;

/// <summary>
/// The sender an inbound remoting message names (RemoteEnvelope.sender, written here field by field) must be an
/// actor at the address the connection claimed: Akka writes every sender with its own system's address, and
/// the receiver resolves any other as whatever it names, its own actors included.
/// </summary>
public sealed class EnvelopeSenderPduTests
{
    private static readonly (string Host, int Port) Origin = ("127.0.0.2", 4055);

    [Theory]
    [InlineData("akka.ssl.tcp://farm@127.0.0.2:4055/temp/$a")]
    [InlineData("akka.ssl.tcp://farm@127.0.0.2:4055/system/cluster/core/daemon#12345")]
    public void SenderAtTheClaimedAddress_Passes(string sender) =>
        Assert.Null(EnvelopeSenderPdu.Problem(Pdu(sender), Origin));

    [Fact]
    public void SenderHost_IsComparedAsAkkaDoes_IgnoringCase() =>
        Assert.Null(EnvelopeSenderPdu.Problem(Pdu("akka.ssl.tcp://farm@MEMBER.example:4055/user/x"), ("member.example", 4055)));

    [Fact]
    public void NoSender_Passes() =>
        Assert.Null(EnvelopeSenderPdu.Problem(Tagged(1, Tagged(2, Recipient)), Origin));

    [Fact]
    public void AcknowledgementOrControlMessage_Passes()
    {
        Assert.Null(EnvelopeSenderPdu.Problem(Tagged(1, Tagged(1, ByteString.CopyFrom(0x09, 1, 0, 0, 0, 0, 0, 0, 0))), Origin));
        Assert.Null(EnvelopeSenderPdu.Problem(Tagged(2, ByteString.CopyFrom(0x08, 0x03)), Origin));
    }

    [Fact]
    public void SenderNamingTheReceiversAddress_IsRefused() =>
        Assert.Equal(
            "its message names sender akka.ssl.tcp://farm@127.0.0.1:4053/user/nobody, not an actor at the address it claimed (127.0.0.2:4055)",
            EnvelopeSenderPdu.Problem(Pdu("akka.ssl.tcp://farm@127.0.0.1:4053/user/nobody"), Origin));

    [Theory]
    [InlineData("akka.ssl.tcp://farm@127.0.0.2:4056/user/x")] // another port of the same host
    [InlineData("akka.ssl.tcp://farm@127.0.0.3:4055/user/x")] // another member
    public void SenderAtAnotherAddress_IsRefused(string sender) =>
        Assert.Contains("not an actor at the address it claimed", EnvelopeSenderPdu.Problem(Pdu(sender), Origin), StringComparison.Ordinal);

    [Fact]
    public void SenderWithoutHostAndPort_IsRefused_ItWouldBeOneOfTheReceiversOwnActors() =>
        Assert.Contains("a path with no host and port", EnvelopeSenderPdu.Problem(Pdu("akka://farm/user/nobody"), Origin), StringComparison.Ordinal);

    [Theory]
    [InlineData("")]
    [InlineData("/user/nobody")]
    [InlineData("nobody")]
    public void SenderThatIsNoActorPath_IsRefused(string sender) =>
        Assert.NotNull(EnvelopeSenderPdu.Problem(Pdu(sender), Origin));

    [Fact]
    public void SenderSplitOverTwoOccurrences_IsReadAsProtobufMerges_TheLastPathCounts()
    {
        var envelope = Concat(Recipient, Tagged(4, Tagged(1, ByteString.CopyFromUtf8("akka.ssl.tcp://farm@127.0.0.2:4055/user/x"))), Tagged(4, Tagged(1, ByteString.CopyFromUtf8("akka.ssl.tcp://farm@127.0.0.1:4053/user/x"))));
        Assert.NotNull(EnvelopeSenderPdu.Problem(Tagged(1, Tagged(2, envelope)), Origin));
    }

    [Fact]
    public void Garbage_IsRefused() =>
        Assert.NotNull(EnvelopeSenderPdu.Problem(Tagged(1, Tagged(2, ByteString.CopyFrom(0x22, 0xff, 0xff, 0xff, 0x0f, 0x01))), Origin));

    private static readonly ByteString Recipient = Tagged(1, Tagged(1, ByteString.CopyFromUtf8("akka.ssl.tcp://farm@127.0.0.1:4053/user/policy-arbiter")));

    private static ByteString Pdu(string sender) => Tagged(1, Tagged(2, Concat(Recipient, Tagged(4, Tagged(1, ByteString.CopyFromUtf8(sender))))));

    private static ByteString Tagged(int field, ByteString content)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(content);
        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }

    private static ByteString Concat(params ByteString[] parts) => ByteString.CopyFrom([.. parts.SelectMany(p => p.ToByteArray())]);
}
