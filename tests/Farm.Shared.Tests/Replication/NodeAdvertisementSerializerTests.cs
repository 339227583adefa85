using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Farm.Shared.Discovery;
using Farm.Shared.Replication;

namespace Farm.Shared.Tests.Replication;

public sealed class NodeAdvertisementSerializerTests()
    : Akka.TestKit.Xunit2.TestKit(FarmSerialization.Config.WithFallback(DistributedData.DefaultConfig()))
{
    private static readonly NodeAdvertisement Node = new(
        "node-1",
        "socks",
        [IPEndPoint.Parse("10.0.0.11:1080"), IPEndPoint.Parse("[2001:db8::11]:1080")],
        IPEndPoint.Parse("10.0.0.11:9464"),
        Draining: true);

    [Fact]
    public void NodeAdvertisement_IsBoundToItsSerializer()
    {
        var serializer = Sys.Serialization.FindSerializerFor(Node);

        Assert.IsType<NodeAdvertisementSerializer>(serializer);
        Assert.Equal(NodeAdvertisementSerializer.Id, serializer.Identifier);
    }

    [Fact]
    public void RoundTrip_KeepsEveryField()
    {
        var serializer = new NodeAdvertisementSerializer((ExtendedActorSystem)Sys);

        AssertSame(Node, (NodeAdvertisement)serializer.FromBinary(serializer.ToBinary(Node), serializer.Manifest(Node)));
    }

    [Fact]
    public void RoundTrip_KeepsTheCertificateAndSignature()
    {
        var serializer = new NodeAdvertisementSerializer((ExtendedActorSystem)Sys);
        var signed = Node with { Certificate = [1, 2, 3], Signature = [4, 5] };

        var back = (NodeAdvertisement)serializer.FromBinary(serializer.ToBinary(signed), NodeAdvertisementSerializer.ManifestV2);

        Assert.Equal(signed, back);
    }

    [Fact]
    public void V1_IsReadAsUnsigned()
    {
        var serializer = new NodeAdvertisementSerializer((ExtendedActorSystem)Sys);
        var v2 = serializer.ToBinary(Node);

        // v1 is v2 without the two length-prefixed byte fields at the end (each empty here: a 4-byte zero length).
        var back = (NodeAdvertisement)serializer.FromBinary(v2[..^8], NodeAdvertisementSerializer.ManifestV1);

        AssertSame(Node, back);
        Assert.Empty(back.Signature);
    }

    [Fact]
    public void ForgedLengths_AreRefused()
    {
        var serializer = new NodeAdvertisementSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(Node);
        bytes[^4] = 0x7f;

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes, NodeAdvertisementSerializer.ManifestV2));
    }

    [Fact]
    public void RoundTrip_LighthouseWithoutSocksOrMetrics()
    {
        var lighthouse = new NodeAdvertisement("lighthouse", "lighthouse", [], Metrics: null, Draining: false);
        var serializer = new NodeAdvertisementSerializer((ExtendedActorSystem)Sys);

        AssertSame(lighthouse, (NodeAdvertisement)serializer.FromBinary(serializer.ToBinary(lighthouse), serializer.Manifest(lighthouse)));
    }

    [Fact]
    public void FarmNodesMap_RoundTripsThroughTheSystemSerializers()
    {
        var member = new UniqueAddress(new Address("akka.tcp", Sys.Name, "127.0.0.1", 4054), 3);
        var map = LWWDictionary<string, NodeAdvertisement>.Empty.SetItem(member, NodeAdvertisement.EntryKey(member), Node);
        var serializer = Sys.Serialization.FindSerializerFor(map);

        var back = (LWWDictionary<string, NodeAdvertisement>)Sys.Serialization.Deserialize(
            serializer.ToBinary(map), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, map));

        AssertSame(Node, back[NodeAdvertisement.EntryKey(member)]);
    }

    private static void AssertSame(NodeAdvertisement expected, NodeAdvertisement actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Role, actual.Role);
        Assert.Equal(expected.Socks, actual.Socks);
        Assert.Equal(expected.Metrics, actual.Metrics);
        Assert.Equal(expected.Draining, actual.Draining);
    }
}
