using System.Net;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Farm.Shared.Discovery;

namespace Farm.Shared.Replication;

/// <summary>
/// Binary form of <see cref="NodeAdvertisement"/>, the value of the <c>farm-nodes</c> map. Members
/// of two releases share the map during a rolling upgrade, so a format change gets a new manifest.
/// </summary>
public sealed class NodeAdvertisementSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7303;
    public const string ManifestV1 = "node-advertisement-v1";

    /// <summary>v1, then the member's certificate and its signature (<see cref="Shared.Discovery.Signing.AdvertisementSignature"/>).</summary>
    public const string ManifestV2 = "node-advertisement-v2";

    // A member certificate is well under this; the bound keeps a forged length from allocating much.
    private const int MaxSignatureBytes = 16 * 1024;

    // Far more listeners than a node binds; the bound keeps a forged count from allocating much.
    private const int MaxSocksEndpoints = 1024;

    public override int Identifier => Id;

    public override string Manifest(object o) => o is NodeAdvertisement
        ? ManifestV2
        : throw new ArgumentException($"Cannot serialize {o.GetType()}", nameof(o));

    public override byte[] ToBinary(object obj)
    {
        if (obj is not NodeAdvertisement advertisement)
            throw new ArgumentException($"Cannot serialize {obj.GetType()}", nameof(obj));

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8))
        {
            writer.Write(advertisement.Name);
            writer.Write(advertisement.Role);
            writer.Write(advertisement.Socks.Count);
            foreach (var endpoint in advertisement.Socks)
                writer.Write(endpoint.ToString());

            writer.Write(advertisement.Metrics?.ToString() ?? string.Empty);
            writer.Write(advertisement.Draining);
            WriteBytes(writer, advertisement.Certificate);
            WriteBytes(writer, advertisement.Signature);
        }
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest is not (ManifestV1 or ManifestV2))
            throw new SerializationException($"Unknown manifest [{manifest}] for {nameof(NodeAdvertisement)}");

        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var name = reader.ReadString();
        var role = reader.ReadString();
        var count = reader.ReadInt32();
        if (count is < 0 or > MaxSocksEndpoints)
            throw new SerializationException($"A node advertisement names {count} SOCKS endpoints; at most {MaxSocksEndpoints} are read");

        var socks = new IPEndPoint[count];
        for (var i = 0; i < socks.Length; i++)
            socks[i] = IPEndPoint.Parse(reader.ReadString());

        var metrics = reader.ReadString();
        var draining = reader.ReadBoolean();
        var advertisement = new NodeAdvertisement(name, role, socks, metrics.Length > 0 ? IPEndPoint.Parse(metrics) : null, draining);
        return manifest == ManifestV2
            ? advertisement with { Certificate = ReadBytes(reader), Signature = ReadBytes(reader) }
            : advertisement;
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
            throw new SerializationException($"A node advertisement's signature field claims {length} bytes; at most {MaxSignatureBytes} are read");

        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new SerializationException("A node advertisement's signature field is cut short");
    }
}
