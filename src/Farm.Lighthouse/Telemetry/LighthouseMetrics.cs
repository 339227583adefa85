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

    private static readonly string[] ResponseCodes = ["noerror", "nxdomain", "servfail", "refused", "formerr", "notimp", "other"];

    // Counted here and read at collection: this class is built while the meter provider is, before
    // it listens, so a plain counter's first measurements (and zero starts) would be dropped.
    private readonly long[] _dnsQueries = new long[ResponseCodes.Length];
    private readonly Func<Akka.Cluster.Cluster?> _cluster;

    /// <param name="cluster">The cluster extension, or null while the actor system is not up yet.</param>
    public LighthouseMetrics(IMeterFactory meterFactory, Func<Akka.Cluster.Cluster?> cluster)
    {
        _cluster = cluster;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("farm.dns.queries", ReadDnsQueries, "{query}", "DNS queries answered by the lighthouse, by response code.");
        meter.CreateObservableGauge("farm.cluster.members", ReadMembers, "{member}", "Cluster members as this lighthouse sees them, by member status.");
        meter.CreateObservableGauge("farm.cluster.unreachable", ReadUnreachable, "{member}", "Cluster members this lighthouse's failure detector marks unreachable.");
    }

    /// <param name="rcode">Lower-case response code mnemonic; any outside the known set counts as "other".</param>
    public void DnsQueryAnswered(string rcode)
    {
        var index = Array.IndexOf(ResponseCodes, rcode);
        Interlocked.Increment(ref _dnsQueries[index < 0 ? ResponseCodes.Length - 1 : index]);
    }

    private IEnumerable<Measurement<long>> ReadDnsQueries() =>
        ResponseCodes.Select((code, i) => new Measurement<long>(Interlocked.Read(ref _dnsQueries[i]), new KeyValuePair<string, object?>("rcode", code)));

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
