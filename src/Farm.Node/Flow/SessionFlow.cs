using Farm.Node.Listening;
using Farm.Node.Logging;
using Farm.Node.Relaying;
using Farm.Node.Sessions;
using Farm.Node.Sources;
using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Node.Flow;

/// <summary>
/// Runs one session's stages in their only order (accepted, introduced, negotiated, admitted,
/// connected, established, ended) outside any mailbox, and keeps the latest stage for listings and
/// for the teardown, which releases what every stage reached holds, once.
/// </summary>
public sealed class SessionFlow
{
    private readonly SessionServices _services;
    private readonly SourceTicket _ticket;
    private readonly CancellationTokenSource _kill = new();
    private readonly object _gate = new();
    private SessionStage _stage;
    private Ended? _ended;
    private bool _closed;

    private readonly ProxyTrust? _proxy;

    public SessionFlow(Accepted accepted, ProxyTrust? proxy, SessionServices services, SourceTicket ticket)
    {
        _stage = accepted;
        _proxy = proxy;
        _services = services;
        _ticket = ticket;
    }

    public SessionStage Stage => Volatile.Read(ref _stage);

    /// <summary>Ends the session at whatever stage it is in.</summary>
    public void Kill() => _kill.Cancel();

    /// <summary>The whole session; completes synchronously when the client rule refuses the client.</summary>
    public async Task<Ended> RunAsync()
    {
        var ended = await RunStagesAsync().ConfigureAwait(false);
        Volatile.Write(ref _ended, ended);
        return ended;
    }

    /// <summary>The ending of a flow that broke, at the stage it had reached.</summary>
    public Ended Broken() => new(Stage, "internal-error");

    /// <summary>Releases every stage's holdings (sockets, limit places, the UDP socket), once; a stage reached later is released as it arrives.</summary>
    public void Close()
    {
        var graceful = Volatile.Read(ref _ended)?.Graceful ?? false;
        lock (_gate)
        {
            _closed = true;
            for (var stage = _stage; stage is not null; stage = stage.Previous)
            {
                stage.Release(graceful);
            }
        }

        // Cancelled, not disposed: a flow still running after a forced stop may read its token.
        _kill.Cancel();
    }

    public SessionInfo Info(long id, TimeSpan age)
    {
        var stage = Stage;
        var negotiated = stage.Find<Negotiated>();
        var accepted = stage.Find<Accepted>()!;
        var udp = stage.Find<Connected>()?.Udp?.Counters;
        return new SessionInfo(
            id,
            _services.Log.NodeName,
            (stage.Find<Introduced>()?.Client ?? accepted.Peer).ToString(),
            negotiated?.Request.User,
            negotiated?.Request.Destination.ToString(),
            stage.Find<Connected>()?.Resolved?.ToString(),
            KebabNames<SessionPhase>.Of(stage.Phase),
            udp?.BytesUp ?? accepted.Counters.BytesUp,
            udp?.BytesDown ?? accepted.Counters.BytesDown,
            Math.Round(age.TotalSeconds, 3));
    }

    private async Task<Ended> RunStagesAsync()
    {
        var accepted = (Accepted)Stage;
        var handshakeTimeout = accepted.Policy.Policy.Limits.HandshakeTimeout ?? _services.Options.HandshakeTimeout;
        var identified = await Introduced.IntroduceAsync(accepted, _proxy, handshakeTimeout, _kill.Token).ConfigureAwait(false);
        var introducedOk = identified.TryNext(out var introduced, out var ended);
        if ((introducedOk ? introduced.Admission : ended.Admission) is { } admission)
        {
            _services.Metrics.PolicyDecided("client", admission.Rule, admission.Action);
        }

        if (!introducedOk)
        {
            _services.Metrics.ClientRefused(ended.Admission is null ? "proxy-header" : "client-rule");
            return ended;
        }

        if (_proxy is not null && _ticket.Introduce(introduced.ClientAddress, DecisionProcedure.SourceCap(accepted.Policy.Policy, introduced.ClientAddress)) is not SourceAdmission.Admitted and var over)
        {
            // The client behind the proxy is over its own source's caps: it ends here, other clients of the proxy are not touched.
            var reason = SessionsActor.RefusalOf(over);
            _services.Metrics.ClientRefused(reason);
            return new Ended(introduced, reason) { Kind = "client" };
        }

        Publish(introduced);
        if (!(await Negotiated.NegotiateAsync(introduced, _services, _ticket, _kill.Token).ConfigureAwait(false)).TryNext(out var negotiated, out ended))
        {
            return ended;
        }

        Publish(negotiated);
        if (!Admitted.Decide(negotiated, _services.Limiter).TryNext(out var admitted, out ended))
        {
            return await SendOwedAsync(ended).ConfigureAwait(false);
        }

        Publish(admitted);
        if (negotiated.Request.Command == SocksCommand.Bind)
        {
            // A BIND wait moves no byte: judged idle from here, it is evictable once it has waited EvictIdleAfter.
            _ticket.Relaying(accepted.Counters);
        }

        if (!(await Connected.CarryOutAsync(admitted, _services, _kill.Token).ConfigureAwait(false)).TryNext(out var connected, out ended))
        {
            return await SendOwedAsync(ended).ConfigureAwait(false);
        }

        Publish(connected);
        if (!(await Established.ReplyAsync(connected, _kill.Token).ConfigureAwait(false)).TryNext(out var established, out ended))
        {
            return ended;
        }

        Publish(established);
        return await established.RelayAsync(RelaySettingsFor(accepted.Policy.Policy), _ticket, _kill.Token).ConfigureAwait(false);
    }

    private async Task<Ended> SendOwedAsync(Ended ended)
    {
        if (ended is { ReplyOwed: true, Reply: { } reply })
        {
            await SocksReplies.SendAsync(ended.Accepted.Client, ended.Version ?? Handshake.SocksVersion.Socks5, reply, null, _kill.Token).ConfigureAwait(false);
        }

        return ended;
    }

    /// <summary>The next stage becomes the session's; one reached after the teardown is released at once.</summary>
    private void Publish(SessionStage stage)
    {
        lock (_gate)
        {
            if (_closed)
            {
                stage.Release(graceful: false);
                return;
            }

            Volatile.Write(ref _stage, stage);
        }
    }

    /// <summary>
    /// The node's relay settings, with the policy's idle timeout and bandwidth limit when it sets
    /// them; the shared settings object when it sets neither, so an unlimited session allocates nothing here.
    /// </summary>
    private RelaySettings RelaySettingsFor(CompiledPolicy policy)
    {
        var limits = policy.Limits;
        return limits.IdleTimeout is null && limits.BandwidthPerSession is null
            ? _services.Relay
            : _services.Relay with
            {
                IdleTimeout = limits.IdleTimeout ?? _services.Relay.IdleTimeout,
                BytesPerSecond = limits.BandwidthPerSession,
            };
    }
}
