using Farm.Node.Sessions;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Flow;

/// <summary>
/// The request has a pass decision (or a name to resolve and decide again) and holds its places under the
/// session limits. Only this stage can be dialed, bound or associated from.
/// </summary>
public sealed class Admitted : SessionStage
{
    private readonly SessionLimiter _limiter;
    private readonly IReadOnlyList<SessionLimit> _limits;

    private Admitted(Negotiated negotiated, PolicyRequest policyRequest, RequestVerdict verdict, SessionLimiter limiter, IReadOnlyList<SessionLimit> limits)
        : base(negotiated)
    {
        Negotiated = negotiated;
        PolicyRequest = policyRequest;
        Verdict = verdict;
        _limiter = limiter;
        _limits = limits;
    }

    public Negotiated Negotiated { get; }

    public PolicyRequest PolicyRequest { get; }

    /// <summary>Never a refusal: resolve, forward, proceed or associate.</summary>
    public RequestVerdict Verdict { get; }

    public override SessionPhase Phase => Negotiated.Request.Command switch
    {
        SocksCommand.Bind => SessionPhase.Binding,
        SocksCommand.UdpAssociate => SessionPhase.Handshake,
        _ => SessionPhase.Dialing,
    };

    /// <summary>The policy request the node decides for this client's SOCKS request.</summary>
    public static PolicyRequest RequestOf(Negotiated negotiated)
    {
        ArgumentNullException.ThrowIfNull(negotiated);
        var request = negotiated.Request;
        return new PolicyRequest(
            request.Command,
            negotiated.Introduced.ClientAddress,
            negotiated.Introduced.ListenerAddress,
            request.Destination.Host,
            request.Destination.Address is { } address ? address.Unmapped() : null,
            request.Destination.Port,
            request.Auth,
            request.User);
    }

    /// <summary>
    /// The one decision procedure for every command and route, then the session limits (every session
    /// counts, UDP associations included). A refusal ends the session with the reply it is owed.
    /// </summary>
    public static Advance<Admitted> Decide(Negotiated negotiated, SessionLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        var policyRequest = RequestOf(negotiated);
        var policy = negotiated.Introduced.Accepted.Policy.Policy;
        var verdict = DecisionProcedure.OnRequest(policy, policyRequest);
        if (verdict.Step == RequestStep.Refuse)
        {
            return Ended.Refused(negotiated, Socks5Reply.ConnectionNotAllowed, "refused", verdict.Decision) with { RefusedFor = verdict.Reason };
        }

        var limits = DecisionProcedure.OnLimits(policy, policyRequest).Applicable;
        if (limits.Count > 0 && !limiter.TryAcquire(limits, out var exceeded))
        {
            return Ended.Refused(negotiated, Socks5Reply.ConnectionNotAllowed, "session-limit", verdict.Decision) with { Rule = LimitVerdict.RuleOf(exceeded!) };
        }

        return new Admitted(negotiated, policyRequest, verdict, limiter, limits);
    }

    internal override void Release(bool graceful)
    {
        if (_limits.Count > 0)
        {
            _limiter.Release(_limits);
        }
    }
}
