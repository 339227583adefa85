using System.Diagnostics.Metrics;
using Akka.Cluster;

namespace Farm.Lighthouse.Telemetry;

/// <summary>
/// Every instrument the lighthouse records: the cluster as this seed sees it, and the farm-name
/// DNS responder. Labels are bounded: member status and DNS response code.
/// </summary>
public sealed class LighthouseMetrics
{
    public const string MeterName = "Farm.Lighthouse";

    private static readonly string[] ResponseCodes = ["noerror", "nxdomain", "servfail", "refused"];

    private readonly Counter<long> _dnsQueries;
    private readonly Func<Akka.Cluster.Cluster?> _cluster;

    /// <param name="cluster">The cluster extension, or null while the actor system is not up yet.</param>
    public LighthouseMetrics(IMeterFactory meterFactory, Func<Akka.Cluster.Cluster?> cluster)
    {
        _cluster = cluster;
        var meter = meterFactory.Create(MeterName);
        _dnsQueries = meter.CreateCounter<long>("farm.dns.queries", "{query}", "DNS queries for the farm name answered by the lighthouse, by response code.");
        meter.CreateObservableGauge("farm.cluster.members", ReadMembers, "{member}", "Cluster members as this lighthouse sees them, by member status.");
        meter.CreateObservableGauge("farm.cluster.unreachable", ReadUnreachable, "{member}", "Cluster members this lighthouse's failure detector marks unreachable.");

        // Counters with a fixed label set start at zero, so rate() and alerts see them before the first query.
        foreach (var code in ResponseCodes)
        {
            _dnsQueries.Add(0, new KeyValuePair<string, object?>("rcode", code));
        }
    }

    public void DnsQueryAnswered(string rcode)
    {
        if (_dnsQueries.Enabled)
        {
            _dnsQueries.Add(1, new KeyValuePair<string, object?>("rcode", rcode));
        }
    }

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
