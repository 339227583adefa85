using System.Net;
using Farm.Node.Options;
using Farm.Shared.Net;

namespace Farm.Node.Listening;

/// <summary>The networks a PROXY listener accepts headers from; a connection from anywhere else is closed unread.</summary>
public sealed class ProxyTrust
{
    private readonly IReadOnlyList<IPNetwork> _networks;

    private ProxyTrust(IReadOnlyList<IPNetwork> networks) => _networks = networks;

    public bool Trusts(IPAddress peer)
    {
        var address = peer.Unmapped();
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The listener's trust, null for a listener without PROXY protocol; a bad entry stops the start with one line.</summary>
    public static ProxyTrust? For(SocksListenerOptions listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (!listener.ProxyProtocol)
        {
            return listener.TrustedProxies.Count == 0
                ? null
                : throw new InvalidOperationException($"Farm:Socks:Listeners: '{listener.Endpoint}' lists TrustedProxies without ProxyProtocol=true");
        }

        if (listener.TrustedProxies.Count == 0)
        {
            throw new InvalidOperationException($"Farm:Socks:Listeners: '{listener.Endpoint}' has ProxyProtocol=true but no TrustedProxies (the networks whose headers it believes)");
        }

        var networks = new List<IPNetwork>();
        foreach (var text in listener.TrustedProxies)
        {
            networks.Add(IPNetwork.TryParse(text, out var network)
                ? network
                : throw new InvalidOperationException($"Farm:Socks:Listeners: '{listener.Endpoint}' TrustedProxies entry '{text}' is not a network such as 10.0.0.0/8"));
        }

        return new ProxyTrust(networks);
    }
}
