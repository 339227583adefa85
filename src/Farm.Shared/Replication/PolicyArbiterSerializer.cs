using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Farm.Shared.Replication.Signing;

namespace Farm.Shared.Replication;

/// <summary>Binary form of the messages between a member and the policy arbiter singleton (they cross the network).</summary>
public sealed class PolicyArbiterSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7304;
    public const string ApplyManifest = "apply-policy-v1";
    public const string ReplyManifest = "policy-write-reply-v1";

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ApplyPolicy => ApplyManifest,
        PolicyWriteReply => ReplyManifest,
        _ => throw new ArgumentException($"Cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8))
        {
            switch (obj)
            {
                case ApplyPolicy apply:
                    writer.Write(apply.Text);
                    writer.Write(apply.Author);
                    writer.Write(apply.Expected);
                    writer.Write(apply.Writer);
                    writer.Write(apply.Nonce);
                    writer.Write(apply.Timeout.Ticks);
                    writer.Write(apply.FromLocalFile);
                    writer.Write(apply.Operator is not null);
                    if (apply.Operator is { } signed)
                    {
                        writer.Write(signed.Kind);
                        writer.Write(signed.Nonce);
                        writer.Write(signed.Certificate.Length);
                        writer.Write(signed.Certificate);
                        writer.Write(signed.Signature.Length);
                        writer.Write(signed.Signature);
                    }

                    break;
                case PolicyWriteReply reply:
                    writer.Write((int)reply.Outcome);
                    writer.Write(reply.Version);
                    writer.Write(reply.Message);
                    writer.Write(reply.Enforcing);
                    writer.Write(reply.Members);
                    break;
                default:
                    throw new ArgumentException($"Cannot serialize {obj.GetType()}", nameof(obj));
            }
        }

        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return manifest switch
        {
            ApplyManifest => ReadApply(reader),
            ReplyManifest => ReadReply(reader),
            _ => throw new SerializationException($"Unknown manifest [{manifest}] for the policy arbiter"),
        };
    }

    private static ApplyPolicy ReadApply(BinaryReader reader)
    {
        var apply = new ApplyPolicy(reader.ReadString(), reader.ReadString(), reader.ReadInt64(), reader.ReadString(), reader.ReadString(), TimeSpan.FromTicks(reader.ReadInt64()), reader.ReadBoolean());

        // A write from a member before operator signatures were added ends here.
        if (reader.BaseStream.Position >= reader.BaseStream.Length || !reader.ReadBoolean())
            return apply;

        return apply with { Operator = new OperatorSignature(reader.ReadString(), reader.ReadString(), ReadBytes(reader), ReadBytes(reader)) };
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new SerializationException($"A field of {length} bytes does not fit the message");

        return reader.ReadBytes(length);
    }

    private static PolicyWriteReply ReadReply(BinaryReader reader)
    {
        var outcome = reader.ReadInt32();
        if (!Enum.IsDefined((ApplyOutcome)outcome))
            throw new SerializationException($"Unknown apply outcome {outcome}");

        var version = reader.ReadInt64();
        var message = reader.ReadString();

        // A reply from a member before the enforcement counts were added ends here.
        return reader.BaseStream.Position < reader.BaseStream.Length
            ? new PolicyWriteReply((ApplyOutcome)outcome, version, message, reader.ReadInt32(), reader.ReadInt32())
            : new PolicyWriteReply((ApplyOutcome)outcome, version, message);
    }
}
