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

    /// <summary>The signer's certificate and signature travel with the version, and a field that claims more bytes than a certificate is refused.</summary>
    [Fact]
    public void RoundTrip_KeepsTheSignature_AndRefusesAnOversizedOne()
    {
        var signed = Policy with { SignerCertificate = [1, 2, 3], Signature = [4, 5] };
        var serializer = new PolicyEnvelopeSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(signed);

        var back = (PolicyEnvelope)serializer.FromBinary(bytes, PolicyEnvelopeSerializer.ManifestV4);

        Assert.Equal(signed, back);
        Assert.NotEqual(Policy, back);
        var oversized = bytes.ToArray();
        BitConverter.TryWriteBytes(oversized.AsSpan(oversized.Length - 4 - 2 - 4 - 3), int.MaxValue);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(oversized, PolicyEnvelopeSerializer.ManifestV4));
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

    [Fact]
    public void RoundTrip_KeepsTheWriterNonceAndAncestors()
    {
        var next = Policy.Successor("block any to any\n", "carol", Policy.Timestamp, "akka.tcp://farm@10.0.0.2:4054", "9f2c")!;
        var serializer = new PolicyEnvelopeSerializer((ExtendedActorSystem)Sys);

        var back = (PolicyEnvelope)serializer.FromBinary(serializer.ToBinary(next), serializer.Manifest(next));

        Assert.Equal(next, back);
        Assert.Equal([Policy.Digest()], back.Ancestors);
        Assert.Equal(next.Digest(), back.Digest());
    }

    [Fact]
    public void FromBinary_V1Envelope_StillReadable_WithoutWriterOrAncestors()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8))
        {
            writer.Write(Policy.Text);
            writer.Write(Policy.Version);
            writer.Write(Policy.Author);
            writer.Write(Policy.Timestamp.UtcTicks);
            writer.Write((short)Policy.Timestamp.Offset.TotalMinutes);
        }

        var back = new PolicyEnvelopeSerializer((ExtendedActorSystem)Sys).FromBinary(buffer.ToArray(), PolicyEnvelopeSerializer.ManifestV1);

        Assert.Equal(Policy, back);
    }

    [Fact]
    public void RoundTrip_KeepsTheLocalMemberWithTheWriterNonceAndAncestors()
    {
        const string Member = "akka.tcp://farm@10.0.0.2:4054";
        var next = Policy.Successor("block any to any\n", "seed:default", Policy.Timestamp, Member, "5e3d", localOf: Member)!;
        var serializer = new PolicyEnvelopeSerializer((ExtendedActorSystem)Sys);

        var back = (PolicyEnvelope)serializer.FromBinary(serializer.ToBinary(next), serializer.Manifest(next));

        Assert.Equal(PolicyEnvelopeSerializer.ManifestV4, serializer.Manifest(next));
        Assert.Equal((Member, Member, "5e3d"), (back.LocalOf, back.Writer, back.Nonce));
        Assert.Equal(next, back);
    }

    /// <summary>The local member is part of the link: a version re-labelled as some member's own file no longer matches its digest.</summary>
    [Fact]
    public void Digest_CoversTheLocalMember()
    {
        Assert.NotEqual(Policy.Digest(), (Policy with { LocalOf = "akka.tcp://farm@10.0.0.2:4054" }).Digest());
        Assert.NotEqual(Policy, Policy with { LocalOf = "akka.tcp://farm@10.0.0.2:4054" });
    }

    /// <summary>A store written by a member that recorded only the local member (v2 with one trailing string).</summary>
    [Fact]
    public void FromBinary_V2EnvelopeWithTheLocalMember_StillReadable()
    {
        var bytes = V1Bytes(writer => writer.Write("akka.tcp://farm@127.0.0.1:4054"));

        var back = new PolicyEnvelopeSerializer((ExtendedActorSystem)Sys).FromBinary(bytes, PolicyEnvelopeSerializer.ManifestV2);

        Assert.Equal(Policy with { LocalOf = "akka.tcp://farm@127.0.0.1:4054" }, back);
    }

    /// <summary>A store written by a member that recorded the writer, nonce and ancestors under v2, without a local member.</summary>
    [Fact]
    public void FromBinary_V2EnvelopeWithTheWriterNonceAndAncestors_StillReadable()
    {
        var bytes = V1Bytes(writer =>
        {
            writer.Write("akka.tcp://farm@10.0.0.2:4054");
            writer.Write("9f2c");
            writer.Write(1);
            writer.Write("ab01");
        });

        var back = new PolicyEnvelopeSerializer((ExtendedActorSystem)Sys).FromBinary(bytes, PolicyEnvelopeSerializer.ManifestV2);

        Assert.Equal(Policy with { Writer = "akka.tcp://farm@10.0.0.2:4054", Nonce = "9f2c", Ancestors = ["ab01"] }, back);
    }

    private static byte[] V1Bytes(Action<BinaryWriter> more)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8))
        {
            writer.Write(Policy.Text);
            writer.Write(Policy.Version);
            writer.Write(Policy.Author);
            writer.Write(Policy.Timestamp.UtcTicks);
            writer.Write((short)Policy.Timestamp.Offset.TotalMinutes);
            more(writer);
        }

        return buffer.ToArray();
    }

    [Fact]
    public void ArbiterMessages_RoundTripThroughTheSystemSerializers()
    {
        object[] messages =
        [
            new ApplyPolicy("pass connect to any\n", "alice", 41, "akka.tcp://farm@10.0.0.1:4054", "n0nce", TimeSpan.FromSeconds(5)),
            new ApplyPolicy("pass connect to any\n", "seed:default", 0, "akka.tcp://farm@10.0.0.1:4054", "s33d", TimeSpan.FromSeconds(5), FromLocalFile: true),
            new PolicyWriteReply(ApplyOutcome.Conflict, 42, "conflict: version 42 was written by x; re-run"),
        ];
        foreach (var message in messages)
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            Assert.IsType<PolicyArbiterSerializer>(serializer);

            Assert.Equal(message, Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message)));
        }
    }
}
