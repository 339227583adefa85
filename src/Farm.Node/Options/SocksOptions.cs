namespace Farm.Node.Options;

/// <summary>The node's SOCKS data path settings, bound from <c>Farm:Socks</c>.</summary>
public sealed class SocksOptions
{
    public const string Section = "Farm:Socks";

    /// <summary>Listeners: <c>address:port</c> (IPv6 as <c>[::1]:1080</c>), or an entry with PROXY protocol options.</summary>
    public List<SocksListenerOptions> Listeners { get; set; } = [];

    /// <summary>From accept to a complete request; a client that stalls longer is closed.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A relaying session with no byte in either direction for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Name resolution plus the outbound connect.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Addresses of one destination name dialed at once (Happy Eyeballs); curl and browsers use two.</summary>
    public int DialAttemptsInFlight { get; set; } = 2;

    /// <summary>Addresses of one destination name tried at most; a name with more gets only its first ones.</summary>
    public int DialAttemptsPerRequest { get; set; } = 8;

    /// <summary>How long a BIND waits for its one incoming connection.</summary>
    public TimeSpan BindTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The address announced in BIND and UDP ASSOCIATE replies when clients reach the node through
    /// NAT; by default the node's own address that the client's connection arrived on.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>UDP relay ports as <c>first-last</c>; any free port when unset.</summary>
    public string? UdpPortRange { get; set; }

    /// <summary>
    /// Open sessions on this node; a client accepted beyond it is closed at once. Lowered at start to
    /// what the process's open-files limit allows (<see cref="DescriptorReserve"/>, two per session).
    /// </summary>
    public int MaxSessions { get; set; } = 50_000;

    /// <summary>Descriptors kept out of the session budget for admin, telemetry, cluster, logs and the runtime.</summary>
    public int DescriptorReserve { get; set; } = 256;

    /// <summary>Open connections (handshaking or relaying) from one source (see <see cref="SourcePrefixLength"/>); unset: a tenth of the node's cap.</summary>
    public int? MaxSessionsPerSource { get; set; }

    /// <summary>What one source is for the per-source caps: an address cut to a prefix; loopback is one source.</summary>
    public SourcePrefixLengthOptions SourcePrefixLength { get; set; } = new();

    /// <summary>
    /// While the node is full, a relaying session idle (no byte either way) this long may give its place
    /// to a newcomer, if its source holds more than its fair share of the node.
    /// </summary>
    public TimeSpan EvictIdleAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Connections from one source that have not yet completed their request.</summary>
    public int MaxPendingHandshakesPerSource { get; set; } = 64;

    /// <summary>Password hashes computed at once, each on a thread of its own; unset: half the cores, at least one.</summary>
    public int? PasswordChecksAtOnce { get; set; }

    /// <summary>Logins waiting for a hashing thread; one more is refused (0x01) at once.</summary>
    public int PasswordCheckQueue { get; set; } = 8;

    /// <summary>Wrong passwords from one source within <see cref="PasswordFailureWindow"/> before it is throttled.</summary>
    public int PasswordFailuresPerSource { get; set; } = 5;

    public TimeSpan PasswordFailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a throttled source's logins are refused without hashing.</summary>
    public TimeSpan PasswordBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>GSSAPI logins; their context steps share the password hashing threads and queue.</summary>
    public GssapiOptions Gssapi { get; set; } = new();

    /// <summary>Relay chunk size; a buffer is rented only while bytes are moving.</summary>
    public int RelayBufferSize { get; set; } = 64 * 1024;

    /// <summary>Listeners when none are configured: loopback only, so a first run exposes nothing.</summary>
    public IReadOnlyList<SocksListenerOptions> EffectiveListeners => Listeners.Count > 0 ? Listeners : ["127.0.0.1:1080"];
}
