using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.DistributedData.Durable;
using Farm.Shared.Replication;

namespace Farm.Shared.Tests.Replication;

public sealed class PolicyEnvelopeSerializerTests()
    : Akka.TestKit.Xunit2.TestKit(FarmSerialization.Config.WithFallback(DistributedData.DefaultConfig()))
{
    private static readonly PolicyEnvelope Policy =
        new("pass connect from 10.0.0.0/8 to any port 443\n# ü\n", 42, "bob", new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromMinutes(-210)));

    [Fact]
    public void PolicyEnvelope_IsBoundToItsSerializer()
    {
        var serializer = Sys.Serialization.FindSerializerFor(Policy);

        Assert.IsType<PolicyEnvelopeSerializer>(serializer);
        Assert.Equal(7301, serializer.Identifier);
    }

    [Theory]
    [InlineData("", 0, "")]
    [InlineData("block any to 127.0.0.0/8\n", long.MaxValue, "farmctl@ops")]
    public void RoundTrip_KeepsEveryField(string text, long version, string author)
    {
        var policy = Policy with { Text = text, Version = version, Author = author };
        var serializer = new PolicyEnvelopeSerializer((ExtendedActorSystem)Sys);

        var back = serializer.FromBinary(serializer.ToBinary(policy), serializer.Manifest(policy));

        Assert.Equal(policy, back);
        Assert.Equal(policy.Timestamp.Offset, ((PolicyEnvelope)back).Timestamp.Offset);
    }

    [Fact]
    public void FromBinary_UnknownManifest_Throws()
    {
        var serializer = new PolicyEnvelopeSerializer((ExtendedActorSystem)Sys);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(serializer.ToBinary(Policy), "policy-envelope-v0"));
    }

    [Fact]
    public void DurableEnvelopeOfPolicyRegister_RoundTripsThroughTheSystemSerializers()
    {
        var node = new UniqueAddress(new Address("akka", Sys.Name, "127.0.0.1", 4054), 3);
        var envelope = new DurableDataEnvelope(new LWWRegister<PolicyEnvelope>(node, Policy, 5));

        var serializer = Sys.Serialization.FindSerializerFor(envelope);

        var back = Sys.Serialization.Deserialize(serializer.ToBinary(envelope), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, envelope));

        Assert.Equal(envelope, back);
    }
}
