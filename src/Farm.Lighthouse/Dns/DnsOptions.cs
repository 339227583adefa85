using System.Net;

namespace Farm.Lighthouse.Dns;

/// <summary>The lighthouse's authoritative DNS for the farm domain, bound from <c>Farm:Dns</c>.</summary>
public sealed class DnsOptions
{
    public const string Section = "Farm:Dns";

    public const string DefaultListen = "127.0.0.1:5353";

    public bool Enabled { get; set; } = true;

    /// <summary>Endpoints served over both UDP and TCP; <see cref="DefaultListen"/> when empty (port 53 in production).</summary>
    public List<string> Listen { get; set; } = [];

    /// <summary>The zone this lighthouse is authoritative for.</summary>
    public string Domain { get; set; } = "farm.test";

    /// <summary>The label clients resolve, <c>&lt;FarmName&gt;.&lt;Domain&gt;</c>.</summary>
    public string FarmName { get; set; } = "socks";

    /// <summary>TTL of every record and of negative answers; short so that a drained or dead node leaves caches quickly.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>SOA RNAME; <c>hostmaster.&lt;Domain&gt;</c> when empty.</summary>
    public string? Hostmaster { get; set; }

    /// <summary>
    /// NS records at the apex, the first one being the SOA MNAME. When empty: <c>ns1.&lt;Domain&gt;</c>
    /// with the specific (not wildcard) listen addresses.
    /// </summary>
    public List<DnsNameServerOptions> NameServers { get; set; } = [];

    /// <summary>Response-rate limiting of UDP answers per source prefix (TCP proves its source and is capped by <see cref="Tcp"/>).</summary>
    public DnsRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Caps on DNS over TCP: connections in total and per source, idle timeout, queries per connection.</summary>
    public DnsTcpOptions Tcp { get; set; } = new();

    /// <summary>The SOCKS listener probe that takes a node out of DNS when it stops answering.</summary>
    public DnsProbeOptions Probe { get; set; } = new();

    public IReadOnlyList<string> EffectiveListen => Listen.Count > 0 ? Listen : [DefaultListen];

    public string EffectiveHostmaster => string.IsNullOrWhiteSpace(Hostmaster) ? $"hostmaster.{Domain}" : Hostmaster;

    public IReadOnlyList<DnsNameServerOptions> EffectiveNameServers => NameServers.Count > 0
        ? NameServers
        : [new DnsNameServerOptions
        {
            Name = $"ns1.{Domain}",
            Addresses = [.. EffectiveListen
                .Select(listen => IPEndPoint.TryParse(listen, out var endpoint) ? endpoint.Address : null)
                .Where(address => address is not null && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
                .Select(address => address!.ToString())
                .Distinct()],
        }];
}
