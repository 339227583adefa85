using System.Net;
using System.Text.Json;

namespace Farm.Node.Tests.Support;

/// <summary>Checks on what tests/clients/bind.mjs printed for a BIND that went all the way.</summary>
public static class BindScriptResult
{
    /// <summary>
    /// The first reply named the node's address, the second the peer that connected in, and each
    /// side got the other's bytes.
    /// </summary>
    public static void AssertRelayedBothWays(JsonElement result, IPAddress nodeAddress)
    {
        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(nodeAddress, AddressOf(result.GetProperty("bound")));
        var established = result.GetProperty("established");
        var peer = result.GetProperty("peerLocal");
        Assert.Equal(AddressOf(peer), AddressOf(established));
        Assert.Equal(peer.GetProperty("port").GetInt32(), established.GetProperty("port").GetInt32());
        Assert.Equal("from-client", result.GetProperty("peerGot").GetString());
        Assert.Equal("from-peer", result.GetProperty("clientGot").GetString());
    }

    private static IPAddress AddressOf(JsonElement endpoint) => IPAddress.Parse(endpoint.GetProperty("host").GetString()!);
}
