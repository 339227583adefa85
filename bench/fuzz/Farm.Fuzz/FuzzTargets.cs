using Farm.Fuzz.Targets;

namespace Farm.Fuzz;

/// <summary>Every fuzz target by the name <c>run.sh</c> and the corpus folders use.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["socks4-request"] = SocksTargets.Socks4Request,
        ["socks5-greeting"] = SocksTargets.Socks5Greeting,
        ["socks5-password"] = SocksTargets.Socks5Password,
        ["socks5-request"] = SocksTargets.Socks5Request,
        ["gssapi-header"] = SocksTargets.GssapiHeader,
        ["udp-header"] = UdpHeaderTarget.Run,
        ["policy"] = PolicyTarget.Run,
        ["dns-datagram"] = DnsDatagramTarget.Run,
    };
}
