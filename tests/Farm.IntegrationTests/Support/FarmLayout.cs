namespace Farm.IntegrationTests.Support;

/// <summary>Where a test farm's clients reach it: the nodes' SOCKS addresses and port, and the lighthouse's DNS.</summary>
/// <param name="NodeAddresses">One SOCKS listen address per node.</param>
/// <param name="SocksPort">One port on every node, as a farm name implies; null takes a free port per node.</param>
/// <param name="DnsAddress">The lighthouse's DNS listen address.</param>
/// <param name="DnsPort">The lighthouse's DNS port; null takes a free one.</param>
public sealed record FarmLayout(IReadOnlyList<string> NodeAddresses, int? SocksPort, string DnsAddress, int? DnsPort)
{
    /// <summary>Nodes on 127.0.0.11-13 with free ports; DNS on a free port of 127.0.0.1.</summary>
    public static readonly FarmLayout Loopback = new(["127.0.0.11", "127.0.0.12", "127.0.0.13"], null, "127.0.0.1", null);
}
