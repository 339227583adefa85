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

    public override int Identifier => Id;

    public override string Manifest(object o) => o is NodeAdvertisement
        ? ManifestV1
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
        }
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest != ManifestV1)
            throw new SerializationException($"Unknown manifest [{manifest}] for {nameof(NodeAdvertisement)}");

        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var name = reader.ReadString();
        var role = reader.ReadString();
        var socks = new IPEndPoint[reader.ReadInt32()];
        for (var i = 0; i < socks.Length; i++)
            socks[i] = IPEndPoint.Parse(reader.ReadString());

        var metrics = reader.ReadString();
        var draining = reader.ReadBoolean();
        return new NodeAdvertisement(name, role, socks, metrics.Length > 0 ? IPEndPoint.Parse(metrics) : null, draining);
    }
}
