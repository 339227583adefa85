namespace Farm.Node.Options;

/// <summary>The node's SOCKS data path settings, bound from <c>Farm:Socks</c>.</summary>
public sealed class SocksOptions
{
    public const string Section = "Farm:Socks";

    /// <summary>Listener endpoints as <c>address:port</c>; IPv6 as <c>[::1]:1080</c>.</summary>
    public List<string> Listeners { get; set; } = [];

    /// <summary>From accept to a complete request; a client that stalls longer is closed.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A relaying session with no byte in either direction for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Name resolution plus the outbound connect.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Open sessions on this node; a client accepted beyond it is closed at once.</summary>
    public int MaxSessions { get; set; } = 50_000;

    /// <summary>Relay chunk size; a buffer is rented only while bytes are moving.</summary>
    public int RelayBufferSize { get; set; } = 64 * 1024;

    /// <summary>Listeners when none are configured: loopback only, so a first run exposes nothing.</summary>
    public IReadOnlyList<string> EffectiveListeners => Listeners.Count > 0 ? Listeners : ["127.0.0.1:1080"];
}
