using Farm.Shared.Cluster.Tls;
using Farm.Shared.Replication;
using Google.Protobuf;

namespace Farm.Shared.Tests.Cluster;

/// <summary>
/// The cluster command read from an inbound remoting message (WireFormats.proto and ContainerFormats.proto,
/// written here field by field): Down and Leave are seen directly and inside actor-selection envelopes, a
/// Join names its address, a message in a serializer members do not use (Akka's JSON above all) is
/// refused at any depth, and a message split into repeated fields is read as protobuf merges it.
/// </summary>
public sealed class ClusterCommandPduTests
{
    private const string Daemon = "akka.ssl.tcp://farm@127.0.0.1:4053/system/cluster/core/daemon";

    [Fact]
    public void Down_SentToTheDaemon_IsADown() =>
        Assert.Equal(ClusterCommand.Down, ClusterCommandPdu.Read(Pdu(Envelope(Daemon, PayloadOf(Address("127.0.0.1", 4054), 5, ClusterCommandPdu.DownManifest)))));

    [Fact]
    public void Leave_InsideAnActorSelection_IsALeave()
    {
        var selection = Selection(Address("127.0.0.1", 4054), 5, ClusterCommandPdu.LeaveManifest);
        Assert.Equal(ClusterCommand.Leave, ClusterCommandPdu.Read(Pdu(Envelope("akka.ssl.tcp://farm@127.0.0.1:4053/", PayloadOf(selection, 6, null)))));
    }

    [Fact]
    public void Down_InsideNestedSelections_IsStillADown()
    {
        var inner = Selection(Address("127.0.0.1", 4054), 5, ClusterCommandPdu.DownManifest);
        var outer = Selection(inner, 6, null);
        Assert.Equal(ClusterCommand.Down, ClusterCommandPdu.Read(Pdu(Envelope("akka.ssl.tcp://farm@127.0.0.1:4053/", PayloadOf(outer, 6, null)))));
    }

    [Fact]
    public void Join_InsideAnActorSelection_NamesTheAddressItJoinsAs()
    {
        var join = Message(1, Message(1, Address("127.0.0.9", 4055)));
        var selection = Selection(join, 5, ClusterCommandPdu.JoinManifest);
        Assert.Equal(ClusterCommand.JoinAs("127.0.0.9", 4055), ClusterCommandPdu.Read(Pdu(Envelope("akka.ssl.tcp://farm@127.0.0.1:4053/", PayloadOf(selection, 6, null)))));
    }

    [Fact]
    public void Down_WhoseManifestAndBytesComeInTwoOccurrencesOfThePayload_IsMergedIntoADown()
    {
        var manifestOnly = Concat(Tagged(3, ByteString.CopyFromUtf8(ClusterCommandPdu.DownManifest)), VarintField(2, 5));
        var bytesOnly = Tagged(1, Address("127.0.0.1", 4054));
        var envelope = Concat(Tagged(1, Tagged(1, ByteString.CopyFromUtf8(Daemon))), Tagged(2, manifestOnly), Tagged(2, bytesOnly));
        Assert.Equal(ClusterCommand.Down, ClusterCommandPdu.Read(Pdu(envelope)));
    }

    [Fact]
    public void Down_InAkkasJsonSerializer_IsRefusedForItsSerializer()
    {
        var json = ByteString.CopyFromUtf8("""{"$type":"Akka.Cluster.ClusterUserAction+Down, Akka.Cluster","Address":"akka.ssl.tcp://farm@127.0.0.1:4054"}""");
        Assert.Equal(ClusterCommand.InSerializer(MemberSerializers.Json), ClusterCommandPdu.Read(Pdu(Envelope(Daemon, PayloadOf(json, MemberSerializers.Json, null)))));
    }

    [Fact]
    public void JsonMessage_InsideNestedSelections_IsRefusedForItsSerializer()
    {
        var inner = Selection(ByteString.CopyFromUtf8("""{"$type":"System.Object"}"""), MemberSerializers.Json, null);
        var outer = Selection(inner, 6, null);
        Assert.Equal(ClusterCommand.InSerializer(MemberSerializers.Json), ClusterCommandPdu.Read(Pdu(Envelope("akka.ssl.tcp://farm@127.0.0.1:4053/", PayloadOf(outer, 6, null)))));
    }

    [Theory]
    [InlineData(0)] // no serializer named at all
    [InlineData(4)] // Akka's byte-array serializer
    [InlineData(3)] // remote deployment (DaemonMsgCreate)
    [InlineData(PolicyEnvelopeSerializer.Id)] // a replicated value travels only inside Distributed Data's messages
    [InlineData(-5)] // a negative int32 on the wire, not the cluster serializer
    [InlineData(999_999)]
    public void Message_InASerializerMembersDoNotUse_IsRefused(int serializer) =>
        Assert.Equal(ClusterCommand.InSerializer(serializer), ClusterCommandPdu.Read(Pdu(Envelope(Daemon, PayloadOf(ByteString.CopyFromUtf8("x"), serializer, "HB")))));

    [Fact]
    public void Acknowledgement_WithoutAnEnvelope_IsNoCommand() =>
        Assert.Equal(ClusterCommand.Other, ClusterCommandPdu.Read(Tagged(1, Tagged(1, VarintField(1, 7)))));

    [Fact]
    public void Heartbeat_GossipAndControlMessages_AreNoCommand()
    {
        Assert.Equal(ClusterCommand.Other, ClusterCommandPdu.Read(Pdu(Envelope(Daemon, PayloadOf(ByteString.CopyFromUtf8("x"), 5, "HB")))));
        Assert.Equal(ClusterCommand.Other, ClusterCommandPdu.Read(Tagged(2, VarintField(1, 3))));
    }

    [Fact]
    public void Garbage_IsUnreadable() =>
        Assert.Equal(ClusterCommand.Unreadable, ClusterCommandPdu.Read(Tagged(1, ByteString.CopyFrom(0x12, 0xff, 0xff, 0xff, 0x0f, 0x01))));

    private static ByteString Pdu(ByteString envelope) => Tagged(1, Tagged(2, envelope));

    private static ByteString Envelope(string recipient, ByteString payload) =>
        Concat(Tagged(1, Tagged(1, ByteString.CopyFromUtf8(recipient))), Tagged(2, payload));

    private static ByteString PayloadOf(ByteString message, int serializer, string? manifest) =>
        Concat(Tagged(1, message), VarintField(2, serializer), manifest is null ? ByteString.Empty : Tagged(3, ByteString.CopyFromUtf8(manifest)));

    // A SelectionEnvelope (ContainerFormats.proto): the enclosed message's Payload, then the path pattern.
    private static ByteString Selection(ByteString enclosed, int serializer, string? manifest) =>
        Concat(Tagged(1, PayloadOf(enclosed, serializer, manifest)), Tagged(2, Concat(VarintField(1, 2), Tagged(2, ByteString.CopyFromUtf8("system")))));

    private static ByteString Address(string host, int port) =>
        Concat(Tagged(1, ByteString.CopyFromUtf8("farm")), Tagged(2, ByteString.CopyFromUtf8(host)), VarintField(3, port), Tagged(4, ByteString.CopyFromUtf8("akka.ssl.tcp")));

    private static ByteString Message(int field, ByteString content) => Tagged(field, content);

    private static ByteString Tagged(int field, ByteString content)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(content);
        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }

    private static ByteString VarintField(int field, int value)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt32(value);
        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }

    private static ByteString Concat(params ByteString[] parts) => ByteString.CopyFrom([.. parts.SelectMany(p => p.ToByteArray())]);
}
