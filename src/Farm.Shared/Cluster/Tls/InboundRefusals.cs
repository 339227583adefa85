using System.Diagnostics.Metrics;

namespace Farm.Shared.Cluster.Tls;

/// <summary>Inbound remoting connections <see cref="ClaimCheckingHandle"/> closed, and values <see cref="RefusingJsonSerializer"/> refused, by reason: a peer with a farm certificate trying what members never do.</summary>
public static class InboundRefusals
{
    public const string Claim = "claim";
    public const string NoCertificate = "no-certificate";
    public const string NotHandshake = "not-handshake";
    public const string Down = "down";
    public const string Leave = "leave";
    public const string Join = "join";
    public const string Unreadable = "unreadable";
    public const string Serializer = "serializer";
    public const string Json = "json";
    public const string Sender = "sender";

    // The cluster meter's name: the connection is refused in transport code no service provider reaches.
    private static readonly Meter Meter = new(OutboundPeerCheck.MeterName);

    /// <summary>Exported as <c>farm_cluster_inbound_refused_total{reason}</c>.</summary>
    public static readonly Counter<long> Refused = Meter.CreateCounter<long>("farm.cluster.inbound.refused", "{connection}", "Inbound remoting connections closed: a claimed address the certificate does not name, a Down, Leave or foreign Join, a sender not at the claimed address, or a message in a serializer members do not use between them; or a value in JSON inside one that passed");

    public static void Count(string reason) => Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
