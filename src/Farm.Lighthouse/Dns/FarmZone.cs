using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Farm.Shared.Net;

namespace Farm.Lighthouse.Dns;

/// <summary>
/// The farm domain as an authoritative zone computed from a directory snapshot: the answer to one
/// query, with no I/O. The farm name hands out the healthy socks members, starting one further
/// along on every query, so that clients that take the first address spread over the farm.
/// </summary>
public sealed class FarmZone
{
    public const string NodesLabel = "nodes";

    // Every lighthouse must answer alike and nothing transfers the zone, so the serial never moves.
    private const uint Serial = 1;

    // RFC 1035 2.3.4; the library parses longer names without complaint.
    private const int MaxNameLength = 255;

    // The EDNS payload size of DNS Flag Day 2020: larger UDP answers risk IP fragmentation.
    private const ushort MaxUdpPayload = 1232;

    private static readonly RecordType[] AnyPreference = [RecordType.A, RecordType.Aaaa, RecordType.Srv, RecordType.Soa, RecordType.Ns];

    private readonly DomainName _apex;
    private readonly DomainName _farmName;
    private readonly DomainName _nodes;
    private readonly DomainName _socksService;
    private readonly DomainName _metricsService;
    private readonly int _ttl;
    private readonly SoaRecord _soa;
    private readonly ImmutableArray<DomainName> _nameServers;
    private readonly Dictionary<DomainName, IPAddress[]> _nameServerAddresses;
    private readonly HashSet<DomainName> _emptyNonTerminals;
    private long _rotationV4;
    private long _rotationV6;

    public FarmZone(DnsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _apex = DomainName.Parse(options.Domain);
        _farmName = Child(options.FarmName, _apex);
        _nodes = Child(NodesLabel, _apex);
        var tcp = Child("_tcp", _apex);
        _socksService = Child("_socks", tcp);
        _metricsService = Child("_metrics", tcp);
        _ttl = (int)options.Ttl.TotalSeconds;

        var servers = options.EffectiveNameServers;
        _nameServers = [.. servers.Select(server => DomainName.Parse(server.Name))];
        _nameServerAddresses = servers
            .Select(server => (Name: DomainName.Parse(server.Name), server.Addresses))
            .Where(server => server.Name.IsSubDomainOf(_apex))
            .GroupBy(server => server.Name)
            .ToDictionary(group => group.Key, group => group.SelectMany(server => server.Addresses).Select(IPAddress.Parse).Distinct().ToArray());

        _emptyNonTerminals = [_nodes, tcp];
        foreach (var name in _nameServerAddresses.Keys)
        {
            for (var parent = name.GetParentName(); parent.IsSubDomainOf(_apex); parent = parent.GetParentName())
            {
                _emptyNonTerminals.Add(parent);
            }
        }

        _soa = new SoaRecord(
            _apex,
            _ttl,
            _nameServers[0],
            DomainName.Parse(options.EffectiveHostmaster),
            Serial,
            refreshInterval: 3600,
            retryInterval: 600,
            expireInterval: 86400,
            negativeCachingTTL: _ttl);
    }

    /// <summary>The per-node name of a member, <c>&lt;name&gt;.nodes.&lt;domain&gt;</c>.</summary>
    public DomainName NodeName(string name) => Child(name, _nodes);

    /// <summary>The whole response to <paramref name="query"/>, as the server puts it on the wire.</summary>
    public DnsMessage Respond(DnsMessageBase query, ImmutableArray<NodeAdvert> nodes)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query is not DnsMessage message)
        {
            // The library parses only UPDATE into another message type; Farm's zone changes with membership, never by UPDATE.
            return new DnsMessage
            {
                TransactionID = query.TransactionID,
                IsQuery = false,
                OperationCode = OperationCode.Update,
                ReturnCode = ReturnCode.NotImplemented,
            };
        }

        var response = message.CreateResponseInstance();
        response.IsRecursionAllowed = false;
        if (response.EDnsOptions is { } edns)
        {
            edns.UdpPayloadSize = Math.Min(edns.UdpPayloadSize, MaxUdpPayload);
            if (edns.Version != 0)
            {
                edns.Version = 0;
                response.ReturnCode = ReturnCode.BadVersion;
                return response;
            }
        }

        if (!message.IsQuery || message.Questions.Count != 1 || WireLength(message.Questions[0].Name) > MaxNameLength)
        {
            response.ReturnCode = ReturnCode.FormatError;
            return response;
        }

        if (message.OperationCode != OperationCode.Query)
        {
            response.ReturnCode = ReturnCode.NotImplemented;
            return response;
        }

        var question = message.Questions[0];
        if (question.RecordClass is not (RecordClass.INet or RecordClass.Any) || !question.Name.IsEqualOrSubDomainOf(_apex))
        {
            response.ReturnCode = ReturnCode.Refused;
            return response;
        }

        response.IsAuthoritiveAnswer = true;
        var ordered = Ordered(nodes);
        var answers = Lookup(question.Name, question.RecordType, ordered);
        if (answers is null)
        {
            response.ReturnCode = ReturnCode.NxDomain;
            response.AuthorityRecords.Add(_soa);
            return response;
        }

        response.ReturnCode = ReturnCode.NoError;
        if (answers.Count == 0)
        {
            response.AuthorityRecords.Add(_soa);
            return response;
        }

        if (question.RecordType == RecordType.Any)
        {
            answers = MinimalAny(answers);
        }

        response.AnswerRecords.AddRange(answers);
        response.AdditionalRecords.AddRange(Additional(answers, ordered));
        return response;
    }

    /// <summary>The records of <paramref name="type"/> at <paramref name="owner"/>; empty when the name exists without them, null when it does not exist.</summary>
    private List<DnsRecordBase>? Lookup(DomainName owner, RecordType type, ImmutableArray<NodeAdvert> nodes)
    {
        var records = new List<DnsRecordBase>();
        var exists = _emptyNonTerminals.Contains(owner);

        if (owner.Equals(_apex))
        {
            exists = true;
            if (Wants(type, RecordType.Soa))
            {
                records.Add(_soa);
            }

            if (Wants(type, RecordType.Ns))
            {
                records.AddRange(_nameServers.Select(server => new NsRecord(owner, _ttl, server)));
            }
        }
        else if (owner.Equals(_farmName))
        {
            exists = true;
            var serving = nodes.Where(node => node.ServesClients).SelectMany(node => node.Socks.Select(endpoint => endpoint.Address));
            if (Wants(type, RecordType.A))
            {
                records.AddRange(Rotate(Addresses(serving, AddressFamily.InterNetwork), ref _rotationV4).Select(address => Address(owner, address)));
            }

            if (Wants(type, RecordType.Aaaa))
            {
                records.AddRange(Rotate(Addresses(serving, AddressFamily.InterNetworkV6), ref _rotationV6).Select(address => Address(owner, address)));
            }
        }
        else if (owner.Equals(_socksService))
        {
            exists = true;
            // An SRV target is a per-name record: a member whose name another owns has none that leads to it.
            if (Wants(type, RecordType.Srv))
            {
                records.AddRange(nodes
                    .Where(node => node.ServesClients && node.OwnsName)
                    .SelectMany(node => node.Socks.Select(endpoint => endpoint.Port).Distinct().Select(port => Service(owner, node, port))));
            }
        }
        else if (owner.Equals(_metricsService))
        {
            exists = true;
            if (Wants(type, RecordType.Srv))
            {
                records.AddRange(nodes
                    .Where(node => node.Metrics is not null && node.OwnsName)
                    .Select(node => Service(owner, node, node.Metrics!.Port)));
            }
        }
        else if (owner.LabelCount == _nodes.LabelCount + 1 && owner.GetParentName().Equals(_nodes)
                 && FindNode(nodes, owner.Labels[0]) is { } node)
        {
            exists = true;
            records.AddRange(AddressesFor(NodeAddresses(node), type).Select(address => Address(owner, address)));
        }

        if (_nameServerAddresses.TryGetValue(owner, out var glue))
        {
            exists = true;
            records.AddRange(AddressesFor(glue, type).Select(address => Address(owner, address)));
        }

        return exists ? records : null;
    }

    /// <summary>
    /// RFC 8482: ANY gets one RRset, not every record at the name, so the farm's DNS is no amplifier.
    /// Addresses first, as what a client asking ANY for the farm name most likely wants.
    /// </summary>
    private static List<DnsRecordBase> MinimalAny(List<DnsRecordBase> answers) =>
        [.. answers.GroupBy(record => record.RecordType).OrderBy(set => Array.IndexOf(AnyPreference, set.Key) is var rank and >= 0 ? rank : AnyPreference.Length).First()];

    /// <summary>Addresses of in-zone SRV targets and name servers, so a resolver needs no second round trip.</summary>
    private IEnumerable<DnsRecordBase> Additional(List<DnsRecordBase> answers, ImmutableArray<NodeAdvert> nodes)
    {
        var targets = answers.Select(record => record switch
        {
            SrvRecord srv => srv.Target,
            NsRecord ns => ns.NameServer,
            _ => null,
        }).OfType<DomainName>().Distinct();

        foreach (var target in targets)
        {
            if (target.LabelCount == _nodes.LabelCount + 1 && target.GetParentName().Equals(_nodes) && FindNode(nodes, target.Labels[0]) is { } node)
            {
                foreach (var address in AddressesFor(NodeAddresses(node), RecordType.Any))
                {
                    yield return Address(target, address);
                }
            }
            else if (_nameServerAddresses.TryGetValue(target, out var glue))
            {
                foreach (var address in glue)
                {
                    yield return Address(target, address);
                }
            }
        }
    }

    /// <summary>
    /// Members with a usable name in one order, so that every lighthouse answers the same way whatever order the
    /// cluster reported them in. Every member stays, whatever its name: the pool is per member, and a name another
    /// member also claims must not take anyone out of it (<see cref="NodeAdvert.OwnsName"/> picks the per-name record).
    /// </summary>
    private static ImmutableArray<NodeAdvert> Ordered(ImmutableArray<NodeAdvert> nodes) =>
        [.. nodes
            .Where(node => DnsLabel.IsValid(node.Name))
            .OrderBy(node => node.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(node => node.Member, StringComparer.Ordinal)];

    private static NodeAdvert? FindNode(ImmutableArray<NodeAdvert> nodes, string label) =>
        nodes.FirstOrDefault(node => node.OwnsName && string.Equals(node.Name, label, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<IPAddress> NodeAddresses(NodeAdvert node) =>
        node.Metrics is null ? node.Socks.Select(endpoint => endpoint.Address) : node.Socks.Select(endpoint => endpoint.Address).Append(node.Metrics.Address);

    private static IPAddress[] Addresses(IEnumerable<IPAddress> addresses, AddressFamily family) =>
        [.. addresses
            .Select(address => address.Unmapped())
            .Where(address => address.AddressFamily == family && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
            .Distinct()];

    private static IEnumerable<IPAddress> AddressesFor(IEnumerable<IPAddress> addresses, RecordType type)
    {
        var all = addresses.ToArray();
        var v4 = Wants(type, RecordType.A) ? Addresses(all, AddressFamily.InterNetwork) : [];
        var v6 = Wants(type, RecordType.Aaaa) ? Addresses(all, AddressFamily.InterNetworkV6) : [];
        return v4.Concat(v6);
    }

    private static IEnumerable<IPAddress> Rotate(IPAddress[] addresses, ref long counter)
    {
        if (addresses.Length == 0)
        {
            return [];
        }

        var start = (int)((ulong)(Interlocked.Increment(ref counter) - 1) % (ulong)addresses.Length);
        return addresses[start..].Concat(addresses[..start]);
    }

    private SrvRecord Service(DomainName owner, NodeAdvert node, int port) =>
        new(owner, _ttl, priority: 0, weight: 1, (ushort)port, NodeName(node.Name));

    private DnsRecordBase Address(DomainName owner, IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? new ARecord(owner, _ttl, address) : new AaaaRecord(owner, _ttl, address);

    private static int WireLength(DomainName name) => name.Labels.Sum(label => label.Length + 1) + 1;

    private static bool Wants(RecordType asked, RecordType type) => asked == type || asked == RecordType.Any;

    private static DomainName Child(string label, DomainName parent) => new DomainName([label]) + parent;
}
