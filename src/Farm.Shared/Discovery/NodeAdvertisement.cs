using System.Net;
using Akka.Cluster;
using Akka.DistributedData;

namespace Farm.Shared.Discovery;

/// <summary>
/// What one member tells the farm about itself: where clients reach its SOCKS listeners, where
/// Prometheus scrapes it, and whether it is draining. Each member writes only its own entry of the
/// replicated map under <see cref="Key"/>; the lighthouse joins it with live membership.
/// </summary>
/// <param name="Name">A DNS label (<see cref="AdvertisedName"/>), unique in the farm.</param>
/// <param name="Role">The member's cluster role (<c>socks</c> or <c>lighthouse</c>).</param>
/// <param name="Socks">Endpoints clients can reach; empty for members that carry no traffic.</param>
/// <param name="Metrics">The bound telemetry endpoint, made concrete, if the member serves one.</param>
/// <param name="Draining">Set before the node stops accepting, so it leaves DNS first.</param>
public sealed record NodeAdvertisement(string Name, string Role, IReadOnlyList<IPEndPoint> Socks, IPEndPoint? Metrics, bool Draining)
{
    public static readonly LWWDictionaryKey<string, NodeAdvertisement> Key = new("farm-nodes");

    /// <summary>The DER certificate of the member that signed this entry; empty when unsigned (cluster TLS off).</summary>
    public byte[] Certificate { get; init; } = [];

    /// <summary>The member's signature over the entry and its map key (<see cref="Signing.AdvertisementSignature"/>); empty when unsigned.</summary>
    public byte[] Signature { get; init; } = [];

    /// <summary>
    /// The map key of a member incarnation. The uid is part of it so that pruning a removed
    /// incarnation can never delete the entry of a restart on the same host and port.
    /// </summary>
    public static string EntryKey(UniqueAddress member) => $"{member.Address}#{member.Uid}";

    public bool Equals(NodeAdvertisement? other) =>
        other is not null
        && Name == other.Name
        && Role == other.Role
        && Socks.SequenceEqual(other.Socks)
        && Equals(Metrics, other.Metrics)
        && Draining == other.Draining
        && Certificate.AsSpan().SequenceEqual(other.Certificate)
        && Signature.AsSpan().SequenceEqual(other.Signature);

    public override int GetHashCode() => HashCode.Combine(Name, Role, Socks.Count, Metrics, Draining, Signature.Length);
}
