using System.Diagnostics;
using System.Diagnostics.Metrics;
using Farm.Node.Handshake;
using Farm.Node.Logging;
using Farm.Node.Policy;
using Farm.Node.Relaying;
using Farm.Node.Sessions;
using Farm.Node.Sources;
using Farm.Node.Udp;
using Farm.Shared.Policy;
using Farm.Shared.Replication;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Telemetry;

/// <summary>
/// Every instrument a SOCKS node records. Labels are bounded: SOCKS version and command, outcome
/// and reason words from fixed enums, and policy rule ids (bounded by the policy); never a user,
/// a client address or a destination.
/// </summary>
public sealed class NodeMetrics
{
    public const string MeterName = "Farm.Node";

    // Loopback handshakes finish in well under a millisecond; the handshake timeout is 10 s.
    private static readonly double[] HandshakeBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // A LAN connect takes about a millisecond, an intercontinental one a few hundred; the connect timeout is 10 s.
    private static readonly double[] ConnectBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Sessions last from a refused request (milliseconds) up to the 2-hour idle timeout and beyond.
    private static readonly double[] SessionBuckets = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200, 14400];

    private readonly UpDownCounter<long> _open;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _ended;
    private readonly Histogram<double> _sessionDuration;
    private readonly Histogram<double> _handshakeDuration;
    private readonly Histogram<double> _connectDuration;
    private readonly Histogram<double> _dnsDuration;
    private readonly Counter<long> _dnsFailures;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _recordsSuppressed;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _udpDatagrams;
    private readonly Counter<long> _udpDropped;
    private readonly Counter<long> _bindSessions;
    private readonly Counter<long> _bindPeersRefused;
    private readonly RelayByteTotals _bytes = new();

    private static readonly HandshakeFailure[] AuthFailures =
    [
        HandshakeFailure.AuthenticationFailed,
        HandshakeFailure.PasswordOverloaded,
        HandshakeFailure.PasswordThrottled,
        HandshakeFailure.GssapiFailed,
        HandshakeFailure.PrincipalNotAllowed,
        HandshakeFailure.GssapiOverloaded,
        HandshakeFailure.GssapiThrottled,
        HandshakeFailure.NoAcceptableMethod,
    ];

    public NodeMetrics(IMeterFactory meterFactory, PolicyHolder policy, IPolicyEnforcer? enforcer, SessionCapsInForce caps, SourceConnections sources, Func<bool>? draining = null)
    {
        var meter = meterFactory.Create(MeterName);
        _open = meter.CreateUpDownCounter<long>("farm.sessions.open", "{session}", "Client connections held by the node, in any step; what the session cap counts.");
        _active = meter.CreateUpDownCounter<long>("farm.sessions.active", "{session}", "Sessions with a complete SOCKS request that have not ended yet.");
        _ended = meter.CreateCounter<long>("farm.sessions.ended", "{session}", "Sessions ended, by SOCKS version, command and outcome.");
        _sessionDuration = meter.CreateHistogram("farm.session.duration", "s", "Time from accept to the end of a session.", advice: Buckets(SessionBuckets));
        _handshakeDuration = meter.CreateHistogram("farm.handshake.duration", "s", "Time from accept to a complete SOCKS request or a failed handshake.", advice: Buckets(HandshakeBuckets));
        _connectDuration = meter.CreateHistogram("farm.upstream.connect.duration", "s", "Time of one outbound TCP connect attempt, by the SOCKS reply it maps to.", advice: Buckets(ConnectBuckets));
        _dnsDuration = meter.CreateHistogram("farm.upstream.dns.duration", "s", "Time to resolve a destination name on the node.", advice: Buckets(HandshakeBuckets));
        _dnsFailures = meter.CreateCounter<long>("farm.upstream.dns.failures", "{lookup}", "Destination name resolutions that gave no address, by reason.");
        _decisions = meter.CreateCounter<long>("farm.policy.decisions", "{decision}", "Policy decisions, by stage (client admission or request), rule id and action.");
        _refusals = meter.CreateCounter<long>("farm.client.refusals", "{connection}", "Clients closed before any SOCKS byte was answered, by reason.");
        _recordsSuppressed = meter.CreateCounter<long>("farm.session_records.suppressed", "{record}", "Refused clients that got no session record of their own, over their source's records per second; each second's are told in one summary record.");
        _evictions = meter.CreateCounter<long>("farm.sessions.evicted", "{session}", "Sessions closed to make room for a newcomer while the node was full, by reason: an unfinished handshake or an idle relay of a source over its fair share.");
        _authFailures = meter.CreateCounter<long>("farm.auth.failures", "{attempt}", "SOCKS authentication failures, by reason.");
        _udpDatagrams = meter.CreateCounter<long>("farm.udp.datagrams", "{datagram}", "UDP datagrams relayed for UDP ASSOCIATE sessions, by direction.");
        _udpDropped = meter.CreateCounter<long>("farm.udp.dropped", "{datagram}", "UDP datagrams dropped by the UDP relay, by reason.");
        _bindSessions = meter.CreateCounter<long>("farm.bind.sessions", "{session}", "BIND sessions that opened a listening port for an inbound connection.");
        _bindPeersRefused = meter.CreateCounter<long>("farm.bind.peers.refused", "{connection}", "Connections into a BIND port from a host other than the expected peer, closed while the BIND waits on.");
        meter.CreateObservableCounter("farm.relay.bytes", ReadBytes, "By", "Bytes relayed, by direction: up is client to destination, down is destination to client.");
        meter.CreateObservableGauge("farm.policy.version", () => policy.Current.Version, "{version}", "Version of the policy this node enforces for new sessions.");
        meter.CreateObservableGauge("farm.policy.store.damaged", () => enforcer?.StoreDamage is null ? 0 : 1, "{state}", "1 while the stored farm policy is unreadable and the node refuses every client, else 0.");
        meter.CreateObservableGauge("farm.sessions.sources", () => sources.Sources, "{source}", "Sources (an IPv4 address or an IPv6 /64) holding an open connection: what the per-source caps count.");
        meter.CreateObservableGauge("farm.sessions.limit", () => caps.Current.MaxSessions, "{session}", "The node's session cap (Farm:Socks:MaxSessions, lowered to what the open-files limit allows).");

        meter.CreateObservableGauge("farm.node.draining", () => draining?.Invoke() == true ? 1 : 0, "{state}", "1 while the node is draining (accepting no new sessions), else 0.");

        // Counters with a fixed label set start at zero, so rate() and alerts see them before the first event.
        foreach (var reason in new[] { "client-rule", "session-cap", "source-cap", "handshake-cap" })
        {
            _refusals.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }

        foreach (var failure in AuthFailures)
        {
            _authFailures.Add(0, new KeyValuePair<string, object?>("reason", KebabNames<HandshakeFailure>.Of(failure)));
        }

        foreach (var reason in Enum.GetValues<DnsFailureReason>())
        {
            _dnsFailures.Add(0, new KeyValuePair<string, object?>("reason", KebabNames<DnsFailureReason>.Of(reason)));
        }

        foreach (var reason in Enum.GetValues<UdpDropReason>())
        {
            _udpDropped.Add(0, new KeyValuePair<string, object?>("reason", KebabNames<UdpDropReason>.Of(reason)));
        }

        _udpDatagrams.Add(0, new KeyValuePair<string, object?>("direction", "up"));
        _udpDatagrams.Add(0, new KeyValuePair<string, object?>("direction", "down"));
        _bindSessions.Add(0);
        _bindPeersRefused.Add(0);
        _evictions.Add(0, new KeyValuePair<string, object?>("reason", EvictionReason.PendingHandshake));
        _evictions.Add(0, new KeyValuePair<string, object?>("reason", EvictionReason.PendingRequest));
        _evictions.Add(0, new KeyValuePair<string, object?>("reason", EvictionReason.IdleRelay));
        _recordsSuppressed.Add(0);

        // A fresh node's session panels show 0, not "No data": the common series exist before the first session.
        foreach (var version in new SocksVersion?[] { SocksVersion.Socks4, SocksVersion.Socks5 })
        {
            var tags = RequestTags(version, SocksCommand.Connect);
            _active.Add(0, tags);
            tags.Add("outcome", KebabNames<RelayOutcome>.Of(RelayOutcome.Completed));
            _ended.Add(0, tags);
        }

        var refused = RequestTags(null, null);
        refused.Add("outcome", "client-refused");
        _ended.Add(0, refused);
    }

    public void SessionOpened() => _open.Add(1);

    public void SessionClosed() => _open.Add(-1);

    public void SessionEvicted(string reason) => _evictions.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RefusalRecordSuppressed() => _recordsSuppressed.Add(1);

    public void ClientRefused(string reason)
    {
        if (_refusals.Enabled)
        {
            _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void PolicyDecided(string stage, PolicyRuleInfo? rule, PolicyAction action)
    {
        if (_decisions.Enabled)
        {
            _decisions.Add(
                1,
                new KeyValuePair<string, object?>("stage", stage),
                new KeyValuePair<string, object?>("rule", rule?.Id ?? "default"),
                new KeyValuePair<string, object?>("action", action == PolicyAction.Pass ? "pass" : "block"));
        }
    }

    public void HandshakeEnded(HandshakeResult result, TimeSpan elapsed)
    {
        if (_handshakeDuration.Enabled)
        {
            _handshakeDuration.Record(
                elapsed.TotalSeconds,
                new KeyValuePair<string, object?>("socks.version", VersionLabel(result.Version)),
                new KeyValuePair<string, object?>("outcome", result.Request is null ? "failed" : "succeeded"));
        }

        if (AuthFailures.Contains(result.Failure) && _authFailures.Enabled)
        {
            _authFailures.Add(1, new KeyValuePair<string, object?>("reason", KebabNames<HandshakeFailure>.Of(result.Failure)));
        }
    }

    public void RequestStarted(SocksRequest request)
    {
        if (_active.Enabled)
        {
            _active.Add(1, RequestTags(request.Version, request.Command));
        }
    }

    public void RelayStarted(RelayCounters counters) => _bytes.Started(counters);

    /// <summary>The session's last event; <paramref name="request"/> is null when the handshake never completed.</summary>
    public void SessionEnded(SocksVersion? version, SocksRequest? request, string outcome, TimeSpan duration, RelayCounters counters)
    {
        _bytes.Ended(counters);
        var tags = RequestTags(version, request?.Command);
        if (request is not null && _active.Enabled)
        {
            _active.Add(-1, tags);
        }

        if (_sessionDuration.Enabled)
        {
            _sessionDuration.Record(duration.TotalSeconds, tags);
        }

        if (_ended.Enabled)
        {
            tags.Add("outcome", outcome);
            _ended.Add(1, tags);
        }
    }

    public void UpstreamConnectAttempted(Socks5Reply reply, TimeSpan elapsed)
    {
        if (_connectDuration.Enabled)
        {
            _connectDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", KebabNames<Socks5Reply>.Of(reply)));
        }
    }

    public void NameResolved(TimeSpan elapsed, DnsFailureReason? failure)
    {
        if (_dnsDuration.Enabled)
        {
            _dnsDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", failure is null ? "resolved" : "failed"));
        }

        if (failure is { } reason && _dnsFailures.Enabled)
        {
            _dnsFailures.Add(1, new KeyValuePair<string, object?>("reason", KebabNames<DnsFailureReason>.Of(reason)));
        }
    }

    public void UdpDatagramRelayed(bool up)
    {
        if (_udpDatagrams.Enabled)
        {
            _udpDatagrams.Add(1, new KeyValuePair<string, object?>("direction", up ? "up" : "down"));
        }
    }

    public void UdpDatagramDropped(UdpDropReason reason)
    {
        if (_udpDropped.Enabled)
        {
            _udpDropped.Add(1, new KeyValuePair<string, object?>("reason", KebabNames<UdpDropReason>.Of(reason)));
        }
    }

    public void BindSessionOpened() => _bindSessions.Add(1);

    public void BindPeerRefused() => _bindPeersRefused.Add(1);

    private static TagList RequestTags(SocksVersion? version, SocksCommand? command) => new()
    {
        { "socks.version", VersionLabel(version) },
        { "socks.command", command is { } c ? KebabNames<SocksCommand>.Of(c) : "none" },
    };

    private static string VersionLabel(SocksVersion? version) => version switch
    {
        SocksVersion.Socks4 => "4",
        SocksVersion.Socks5 => "5",
        _ => "none",
    };

    private static InstrumentAdvice<double> Buckets(double[] boundaries) => new() { HistogramBucketBoundaries = boundaries };

    private IEnumerable<Measurement<long>> ReadBytes()
    {
        var (up, down) = _bytes.Read();
        return
        [
            new Measurement<long>(up, new KeyValuePair<string, object?>("direction", "up")),
            new Measurement<long>(down, new KeyValuePair<string, object?>("direction", "down")),
        ];
    }
}
