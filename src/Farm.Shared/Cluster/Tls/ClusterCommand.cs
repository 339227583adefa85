namespace Farm.Shared.Cluster.Tls;

/// <summary>A cluster command an inbound remoting message carries, as <see cref="ClusterCommandPdu"/> reads it.</summary>
public sealed record ClusterCommand(ClusterCommandKind Kind, string? Host = null, int Port = 0, int Serializer = 0)
{
    public static readonly ClusterCommand Other = new(ClusterCommandKind.Other);
    public static readonly ClusterCommand Unreadable = new(ClusterCommandKind.Unreadable);
    public static readonly ClusterCommand Down = new(ClusterCommandKind.Down);
    public static readonly ClusterCommand Leave = new(ClusterCommandKind.Leave);

    public static ClusterCommand JoinAs(string host, int port) => new(ClusterCommandKind.Join, host, port);

    /// <summary>A message in serializer <paramref name="id"/>, which members do not use between them (its id in <see cref="Serializer"/>).</summary>
    public static ClusterCommand InSerializer(int id) => new(ClusterCommandKind.ForeignSerializer, Serializer: id);
}

/// <summary>The kinds <see cref="ClusterCommandPdu"/> tells apart.</summary>
public enum ClusterCommandKind
{
    /// <summary>No cluster command: passes.</summary>
    Other,

    /// <summary>A message whose envelope could not be read the way Akka reads it: refused.</summary>
    Unreadable,

    /// <summary>A request to down a member: never taken from a peer.</summary>
    Down,

    /// <summary>A request that a member leave: never taken from a peer.</summary>
    Leave,

    /// <summary>A message in a serializer members do not use between them (<see cref="MemberSerializers"/>): refused.</summary>
    ForeignSerializer,

    /// <summary>A join, for <see cref="ClusterCommand.Host"/>:<see cref="ClusterCommand.Port"/>.</summary>
    Join,
}
