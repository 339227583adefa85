using System.Net;
using System.Net.Sockets;
using Farm.Node.Binding;
using Farm.Node.Sessions;
using Farm.Node.Udp;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Flow;

/// <summary>
/// The admitted request was carried out: an outbound connection dialed, a BIND's peer accepted (both its
/// replies sent), or a UDP relay socket bound. It owns that socket; the success reply may still be owed.
/// </summary>
public sealed class Connected : SessionStage
{
    private Connected(Admitted admitted, Socket? upstream, UdpAssociation? udp, IPEndPoint? announce, IPAddress? resolved, RequestDecision decision, string? route)
        : base(admitted)
    {
        Admitted = admitted;
        Upstream = upstream;
        Udp = udp;
        Announce = announce;
        Resolved = resolved;
        Decision = decision;
        Route = route;
    }

    public Admitted Admitted { get; }

    /// <summary>The outbound connection or the BIND's peer; null for a UDP association.</summary>
    public Socket? Upstream { get; }

    public UdpAssociation? Udp { get; }

    /// <summary>The address the success reply announces; null when the reply was already sent (BIND).</summary>
    public IPEndPoint? Announce { get; }

    public IPAddress? Resolved { get; }

    /// <summary>The decision on the address actually used.</summary>
    public RequestDecision Decision { get; }

    public string? Route { get; }

    public override SessionPhase Phase => Udp is null ? SessionPhase.Relaying : SessionPhase.UdpRelaying;

    /// <summary>CONNECT: resolves and decides again when the verdict says so, applies the route and dials.</summary>
    public static async Task<Advance<Connected>> DialAsync(Admitted admitted, SessionServices services, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        ArgumentNullException.ThrowIfNull(services);
        var policy = admitted.Negotiated.Introduced.Accepted.Policy.Policy;
        var connectTimeout = policy.Limits.ConnectTimeout ?? services.Options.ConnectTimeout;
        await ThreadPoolHop.ToPool();
        var dial = await services.Dialer.DialAsync(policy, admitted.PolicyRequest, admitted.Verdict, admitted.Negotiated.Request.Destination, connectTimeout, kill).ConfigureAwait(false);
        var decision = dial.Decision ?? admitted.Verdict.Decision;
        if (dial.Upstream is not { } upstream)
        {
            var reply = kill.IsCancellationRequested ? Socks5Reply.GeneralFailure : dial.Reply;
            return Ended.Refused(admitted, reply, dial.Outcome, decision) with { Resolved = dial.Resolved, Route = dial.Route };
        }

        services.Metrics.RelayStarted(admitted.Negotiated.Introduced.Accepted.Counters);
        return new Connected(admitted, upstream, null, dial.Bound ?? (IPEndPoint)upstream.LocalEndPoint!, dial.Resolved, decision, dial.Route);
    }

    /// <summary>BIND: listens on the address the client reached and accepts the destination's connection; sends both replies itself.</summary>
    public static async Task<Advance<Connected>> BindAsync(Admitted admitted, SessionServices services, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        ArgumentNullException.ThrowIfNull(services);
        var negotiated = admitted.Negotiated;
        var listener = negotiated.Introduced.ListenerAddress;
        var bind = await BindSession.AcceptAsync(
                negotiated.Introduced.Accepted.Client,
                negotiated.Request.Version,
                listener,
                services.AdvertisedAddress ?? listener,
                negotiated.Request.Destination,
                negotiated.Introduced.Accepted.Policy.Policy,
                admitted.PolicyRequest,
                admitted.Verdict,
                services.Dialer.Resolver,
                services.Metrics,
                services.Options.BindTimeout,
                kill)
            .ConfigureAwait(false);
        var decision = bind.Decision ?? admitted.Verdict.Decision;
        if (bind.Peer is not { } peer)
        {
            return new Ended(admitted, bind.Outcome) { Reply = bind.Reply, Decision = decision, Resolved = bind.PeerEndPoint?.Address, Graceful = true };
        }

        services.Metrics.BindSessionOpened();
        services.Metrics.RelayStarted(negotiated.Introduced.Accepted.Counters);
        return new Connected(admitted, peer, null, null, bind.PeerEndPoint?.Address, decision, null);
    }

    /// <summary>UDP ASSOCIATE: binds the relay socket; the reply announces the address the client reached (or the NAT address), never a wildcard.</summary>
    public static Advance<Connected> Associate(Admitted admitted, SessionServices services)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        ArgumentNullException.ThrowIfNull(services);
        var introduced = admitted.Negotiated.Introduced;
        UdpAssociation udp;
        try
        {
            udp = UdpAssociation.Open(introduced.ListenerAddress, services.UdpPorts, introduced.ClientAddress, admitted.Negotiated.Request.Destination, introduced.Accepted.Policy.Policy, admitted.PolicyRequest, services.Metrics, services.Dialer.Resolver);
        }
        catch (SocketException)
        {
            return Ended.Refused(admitted, Socks5Reply.GeneralFailure, "udp-bind-failed", admitted.Verdict.Decision);
        }

        var announced = new IPEndPoint(services.AdvertisedAddress ?? introduced.ListenerAddress, udp.LocalEndPoint.Port);
        return new Connected(admitted, null, udp, announced, null, admitted.Verdict.Decision, null);
    }

    /// <summary>Dial, bind or associate, as the request's command says.</summary>
    public static async Task<Advance<Connected>> CarryOutAsync(Admitted admitted, SessionServices services, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        return admitted.Negotiated.Request.Command switch
        {
            SocksCommand.UdpAssociate => Associate(admitted, services),
            SocksCommand.Bind => await BindAsync(admitted, services, kill).ConfigureAwait(false),
            _ => await DialAsync(admitted, services, kill).ConfigureAwait(false),
        };
    }

    internal override void Release(bool graceful)
    {
        Udp?.Dispose();
        SocketTeardown.Close(Upstream, graceful);
    }
}
