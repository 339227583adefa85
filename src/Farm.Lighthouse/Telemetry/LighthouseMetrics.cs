using System.Diagnostics.Metrics;
using Akka.Cluster;
using ARSoft.Tools.Net.Dns;
using Farm.Lighthouse.Discovery;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Telemetry;

/// <summary>
/// Every instrument the lighthouse records: the cluster as this seed sees it, and the farm-name
/// DNS responder. Labels are bounded: member status and DNS response code.
/// </summary>
public sealed class LighthouseMetrics
{
    public const string MeterName = "Farm.Lighthouse";

    private static readonly string[] ResponseCodes = ["noerror", "nxdomain", "servfail", "refused", "formerr", "notimp", "other"];

    private readonly Func<Akka.Cluster.Cluster?> _cluster;
    private readonly Func<DnsQueryCounters?> _dns;
    private readonly Func<TcpConnectionGate?> _tcp;
    private readonly Func<FarmDirectory?> _directory;
    private readonly Func<MemberLosses?> _losses;

    /// <param name="cluster">The cluster extension, or null while the actor system is not up yet.</param>
    /// <param name="dns">The DNS responder's counters, or null when DNS is not wired.</param>
    /// <param name="tcp">The DNS-over-TCP connection caps, or null when DNS is not wired.</param>
    /// <param name="directory">The members DNS hands out, or null when discovery is not wired.</param>
    /// <param name="losses">The members this lighthouse saw removed without leaving, or null when the cluster is not wired.</param>
    public LighthouseMetrics(IMeterFactory meterFactory, Func<Akka.Cluster.Cluster?> cluster, Func<DnsQueryCounters?> dns, Func<TcpConnectionGate?> tcp, Func<FarmDirectory?> directory, Func<MemberLosses?> losses)
    {
        _directory = directory;
        _losses = losses;
        _cluster = cluster;
        _dns = dns;
        _tcp = tcp;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("farm.dns.queries", ReadDnsQueries, "{query}", "DNS queries answered by the lighthouse, by response code.");
        meter.CreateObservableCounter("farm.dns.responses.limited", ReadDnsLimited, "{query}", "UDP DNS queries over the per-source rate limit, by action: drop (no reply) or slip (empty truncated reply).");
        meter.CreateObservableCounter("farm.dns.tcp.refused", ReadTcpRefused, "{connection}", "DNS-over-TCP connections closed as they were accepted, by the cap they would exceed: connection-cap (all sources) or source-cap.");
        meter.CreateObservableGauge("farm.dns.tcp.open", ReadTcpOpen, "{connection}", "DNS-over-TCP connections open now.");
        meter.CreateObservableGauge("farm.dns.nodes.served", ReadServed, "{node}", "1 for each socks node DNS hands out under the farm name, 0 for one it holds back (unreachable, draining or failing its listener probe).");
        meter.CreateObservableGauge("farm.dns.nodes.handed.out", ReadHandedOut, "{node}", "Socks nodes DNS hands out under the farm name now; 0 when there is none, so an alert sees the last node go.");
        meter.CreateObservableGauge("farm.dns.probe.failing", ReadProbeFailing, "{node}", "1 for each socks node cluster member whose SOCKS listeners fail the lighthouse's probe (or whose association was lost), else 0.");
        meter.CreateObservableCounter("farm.cluster.members.lost", ReadLost, "{member}", "Members this lighthouse saw removed from the cluster without leaving (downed after a crash, a partition or cluster down), by member_role (not role: the scrape target's own role label would take its place).");
        meter.CreateObservableGauge("farm.cluster.members", ReadMembers, "{member}", "Cluster members as this lighthouse sees them, by member status.");
        meter.CreateObservableGauge("farm.cluster.unreachable", ReadUnreachable, "{member}", "Cluster members this lighthouse's failure detector marks unreachable.");
    }

    // Read from the responder's counters at collection (nothing recorded them here before issue 16):
    // every code from zero, so a rate starts at the first scrape.
    private IEnumerable<Measurement<long>> ReadDnsQueries()
    {
        var answered = _dns()?.Snapshot() ?? new Dictionary<ReturnCode, long>();
        return ResponseCodes.Select(code => new Measurement<long>(
            answered.Where(pair => Mnemonic(pair.Key) == code).Sum(pair => pair.Value),
            new KeyValuePair<string, object?>("rcode", code)));
    }

    private static string Mnemonic(ReturnCode code) => code switch
    {
        ReturnCode.NoError => "noerror",
        ReturnCode.NxDomain => "nxdomain",
        ReturnCode.ServerFailure => "servfail",
        ReturnCode.Refused => "refused",
        ReturnCode.FormatError => "formerr",
        ReturnCode.NotImplemented => "notimp",
        _ => "other",
    };

    private IEnumerable<Measurement<long>> ReadDnsLimited() => _dns() is { } counters
        ?
        [
            new Measurement<long>(counters.Dropped, new KeyValuePair<string, object?>("action", "drop")),
            new Measurement<long>(counters.Slipped, new KeyValuePair<string, object?>("action", "slip")),
        ]
        : [];

    private IEnumerable<Measurement<long>> ReadTcpRefused() => _dns() is { } counters
        ?
        [
            new Measurement<long>(counters.TcpRefused(TcpAdmission.OverConnectionCap), new KeyValuePair<string, object?>("reason", "connection-cap")),
            new Measurement<long>(counters.TcpRefused(TcpAdmission.OverSourceCap), new KeyValuePair<string, object?>("reason", "source-cap")),
        ]
        : [];

    private IEnumerable<Measurement<int>> ReadTcpOpen() => _tcp() is { } gate ? [new Measurement<int>(gate.Open)] : [];

    private IEnumerable<Measurement<int>> ReadServed() =>
        _directory() is { } directory
            ? directory.Current
                .Where(node => string.Equals(node.Role, NodeAdvert.SocksRole, StringComparison.Ordinal))
                .Select(node => new Measurement<int>(node.ServesClients ? 1 : 0, new KeyValuePair<string, object?>("node", node.Name)))
            : [];

    private IEnumerable<Measurement<int>> ReadHandedOut() =>
        _directory() is { } directory ? [new Measurement<int>(directory.Current.Count(node => node.ServesClients))] : [];

    private IEnumerable<Measurement<int>> ReadProbeFailing() =>
        _directory() is { } directory
            ? directory.Current
                .Where(node => string.Equals(node.Role, NodeAdvert.SocksRole, StringComparison.Ordinal))
                .Select(node => new Measurement<int>(node.ProbeFailing ? 1 : 0, new KeyValuePair<string, object?>("node", node.Name)))
            : [];

    // Both roles from zero: an increase() sees the first loss, which it would not on a series that appears at 1.
    private IEnumerable<Measurement<long>> ReadLost() => _losses() is { } losses
        ?
        [
            new Measurement<long>(losses.Socks, new KeyValuePair<string, object?>("member_role", NodeAdvert.SocksRole)),
            new Measurement<long>(losses.Lighthouses, new KeyValuePair<string, object?>("member_role", NodeAdvert.LighthouseRole)),
        ]
        : [];

    private IEnumerable<Measurement<int>> ReadMembers()
    {
        if (_cluster() is not { } cluster)
        {
            return [];
        }

        var members = cluster.State.Members;
        return Enum.GetValues<MemberStatus>().Select(status => new Measurement<int>(
            members.Count(m => m.Status == status),
            new KeyValuePair<string, object?>("status", StatusLabel(status))));
    }

    private IEnumerable<Measurement<int>> ReadUnreachable() =>
        _cluster() is { } cluster ? [new Measurement<int>(cluster.State.Unreachable.Count)] : [];

    private static string StatusLabel(MemberStatus status) => status switch
    {
        MemberStatus.WeaklyUp => "weakly-up",
        _ => status.ToString().ToLowerInvariant(),
    };
}
