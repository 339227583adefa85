using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace Farm.Shared.Replication;

/// <summary>
/// Binary form of <see cref="PolicyEnvelope"/>. It is written to every member's durable store, so a
/// format change gets a new manifest and the old ones stay readable.
/// </summary>
public sealed class PolicyEnvelopeSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7301;
    public const string ManifestV1 = "policy-envelope-v1";

    /// <summary>
    /// v1 and one more field. Two layouts carried this name: the member whose local file the version is
    /// (<see cref="PolicyEnvelope.LocalOf"/>), or the writer, the nonce and the ancestor digests; both are read.
    /// </summary>
    public const string ManifestV2 = "policy-envelope-v2";

    /// <summary>v1, then the local member, the writer, the nonce and the ancestor digests.</summary>
    public const string ManifestV3 = "policy-envelope-v3";

    /// <summary>v3, then the signer's certificate and the signature.</summary>
    public const string ManifestV4 = "policy-envelope-v4";

    // A member certificate is well under this; the bound keeps a forged length from allocating much.
    private const int MaxSignatureBytes = 16 * 1024;

    public override int Identifier => Id;

    public override string Manifest(object o) => o is PolicyEnvelope
        ? ManifestV4
        : throw new ArgumentException($"Cannot serialize {o.GetType()}", nameof(o));

    public override byte[] ToBinary(object obj)
    {
        if (obj is not PolicyEnvelope envelope)
            throw new ArgumentException($"Cannot serialize {obj.GetType()}", nameof(obj));

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8))
        {
            writer.Write(envelope.Text);
            writer.Write(envelope.Version);
            writer.Write(envelope.Author);
            writer.Write(envelope.Timestamp.UtcTicks);
            writer.Write((short)envelope.Timestamp.Offset.TotalMinutes);
            writer.Write(envelope.LocalOf ?? string.Empty);
            writer.Write(envelope.Writer);
            writer.Write(envelope.Nonce);
            writer.Write(envelope.Ancestors.Count);
            foreach (var ancestor in envelope.Ancestors)
            {
                writer.Write(ancestor);
            }

            WriteBytes(writer, envelope.SignerCertificate);
            WriteBytes(writer, envelope.Signature);
        }
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest is not (ManifestV1 or ManifestV2 or ManifestV3 or ManifestV4))
            throw new SerializationException($"Unknown manifest [{manifest}] for {nameof(PolicyEnvelope)}");

        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var text = reader.ReadString();
        var version = reader.ReadInt64();
        var author = reader.ReadString();
        var utcTicks = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        var timestamp = new DateTimeOffset(utcTicks + offset.Ticks, offset);
        if (manifest == ManifestV1)
            return new PolicyEnvelope(text, version, author, timestamp);

        var first = reader.ReadString();
        if (manifest == ManifestV2 && AtEnd(reader))
            return new PolicyEnvelope(text, version, author, timestamp, NullIfEmpty(first));

        // v3 starts with the local member; the other v2 layout starts with the writer and has no local member.
        var (localOf, writerName) = manifest is ManifestV3 or ManifestV4 ? (first, reader.ReadString()) : (string.Empty, first);
        var nonce = reader.ReadString();
        var count = reader.ReadInt32();
        if (count is < 0 or > PolicyEnvelope.MaxAncestors)
            throw new SerializationException($"A policy envelope names {count} ancestors; at most {PolicyEnvelope.MaxAncestors} are kept");

        var ancestors = new string[count];
        for (var i = 0; i < count; i++)
        {
            ancestors[i] = reader.ReadString();
        }

        var envelope = new PolicyEnvelope(text, version, author, timestamp, NullIfEmpty(localOf), writerName, nonce, ancestors);
        return manifest == ManifestV4
            ? envelope with { SignerCertificate = ReadBytes(reader), Signature = ReadBytes(reader) }
            : envelope;
    }

    private static void WriteBytes(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        if (length is < 0 or > MaxSignatureBytes)
            throw new SerializationException($"A policy envelope's signature field claims {length} bytes; at most {MaxSignatureBytes} are read");

        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new SerializationException("A policy envelope's signature field is cut short");
    }

    private static bool AtEnd(BinaryReader reader) => reader.BaseStream.Position == reader.BaseStream.Length;

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
