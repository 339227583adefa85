using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;
using Farm.Shared.Cluster.Tls;
using Farm.Shared.Replication.Floor;
using Farm.Shared.Replication.Signing;

namespace Farm.Shared.Replication;

/// <summary>
/// The farm's single policy writer, a cluster singleton on the oldest lighthouse: it takes one
/// <see cref="ApplyPolicy"/> at a time, so two concurrent applies cannot both write version N + 1.
/// For each it reads from a majority the register (what an earlier arbiter wrote is seen) and which
/// version every member enforces, writes exactly current + 1 only when that is the version the write
/// replaces, reads a majority again to confirm the farm holds this write, and answers "applied" only once
/// a majority of the members enforce this exact write.
/// </summary>
/// <remarks>
/// The register merges by last writer, so with writers on several members one of two writes of N + 1
/// would be dropped while both were told "applied"; one writer in turn cannot lose a write that way.
/// "Current" is the farm's version (<see cref="CurrentOf"/>), never this host's own view: a lighthouse that
/// restarted with an empty store cannot make its seed the version every apply must replace, and a forged
/// version in the register (refused by every member) is overwritten by the next apply, never built upon.
/// Every version it writes is signed with this member's key (<see cref="PolicyTrust"/>); a register value or
/// an enforced-version entry no lighthouse signed (written around the arbiter through Distributed Data by a
/// member holding only a socks certificate) is ignored, as if it were not there.
/// With cluster TLS on, the writer of a version is the member the request came from (its address is bound to
/// its certificate by the claim check), never the member the request names, and only the member's own file
/// can be its local policy. A write is taken from this member, from a member whose certificate (shown at its
/// address) is issued for role lighthouse (it could sign any version itself), or with an operator's signature
/// over exactly this write (<see cref="OperatorSignature"/>); a socks member's own write is refused.
/// Nor does it build on a version below its own host's <see cref="PolicyFloor"/>: old signed envelopes replayed into
/// the register and the members' entries would otherwise make the farm's next version descend from a replaced one.
/// </remarks>
public sealed class PolicyArbiterActor : ReceiveActor
{
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly Akka.Cluster.UniqueAddress _self = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private static readonly TimeSpan EnforcementPoll = TimeSpan.FromMilliseconds(25);
    private readonly TimeProvider _time;
    private readonly PolicyTrust _trust;
    private readonly OutboundPeerCheck? _peers;
    private readonly PolicyFloorStore _floor;

    /// <param name="peers">Shows the certificate at a sender's address; null with cluster TLS off, where every write is taken as today.</param>
    public PolicyArbiterActor(TimeProvider time, PolicyTrust trust, OutboundPeerCheck? peers, PolicyFloorStore floor)
    {
        _time = time;
        _trust = trust;
        _peers = peers;
        _floor = floor;
        ReceiveAsync<ApplyPolicy>(async apply =>
        {
            var sender = Sender;
            if (!sender.Path.Address.HasGlobalScope && _peers is not null && !IsLocalAsk(sender))
            {
                // A remote message without a sender arrives from dead letters; it is nobody's write, least of all this member's.
                sender.Tell(Refuse(apply, $"policy write refused: its sender {sender.Path} is neither a member's address nor a request of this member"));
                return;
            }

            var from = sender.Path.Address.HasGlobalScope ? sender.Path.Address : _self.Address;
            var claimed = apply with { Writer = PolicyReplicaActor.SelfKey(from) };
            sender.Tell(await RefusalAsync(claimed, from) is { } refusal ? refusal : await WriteAsync(claimed));
        });
    }

    // This member's writes are Asks (its applier, its seeder): their replies go to a temporary actor.
    private static bool IsLocalAsk(IActorRef sender) =>
        !sender.IsNobody() && sender.Path.Elements is ["temp", ..];

    public const string OperatorNeeded = "policy writes in a TLS farm need an operator certificate: farmctl certs issue <you> --role operator; pass --operator-cert/--operator-key or set FARM_OPERATOR_CERT/FARM_OPERATOR_KEY";

    /// <summary>Why the member at <paramref name="from"/> may not make this write, as the reply; null when it may.</summary>
    private async Task<PolicyWriteReply?> RefusalAsync(ApplyPolicy apply, Address from)
    {
        if (_peers is null || from == _self.Address)
        {
            return null;
        }

        if (apply.Operator is { } signed)
        {
            return _trust.OperatorProblem(signed, apply) is { } bad
                ? Refuse(apply, $"policy write refused: {bad}")
                : null;
        }

        var shown = from.Host is { } host && from.Port is { } port
            ? await _peers.CheckAsync(host, port, CancellationToken.None)
            : PeerProbeResult.Refused("its address names no host and port");
        if (shown.Roles is { } roles && roles.Contains(PolicySignature.WriterRole))
        {
            return null;
        }

        return Refuse(apply, apply.FromLocalFile
            ? $"policy write refused: {apply.Writer} is not a lighthouse, so its own policy file is not the farm's; apply it with farmctl and an operator certificate ({OperatorNeeded})"
            : $"policy write refused: {OperatorNeeded}");
    }

    private PolicyWriteReply Refuse(ApplyPolicy apply, string reason)
    {
        _log.Warning("Policy write from {0} for {1} refused: {2}", apply.Writer, apply.Author, reason);
        return new(ApplyOutcome.Failed, 0, reason);
    }

    private async Task<PolicyWriteReply> WriteAsync(ApplyPolicy apply)
    {
        var farm = await ReadMajorityAsync(apply.Timeout);
        if (farm.Failure is { } failure)
        {
            return new(ApplyOutcome.Failed, 0, failure);
        }

        var enforced = await ReadEnforcedAsync(ReadMajorityOf(apply.Timeout), apply.Timeout);
        if (enforced.Failure is { } unread)
        {
            return new(ApplyOutcome.Failed, 0, unread);
        }

        var signed = farm.Envelope is { } register && _trust.Trusts(register) ? register : null;
        var current = CurrentOf(signed, enforced.Envelopes.Where(_trust.Trusts));
        if (farm.Envelope is { Version: > 0 } stored && !stored.Equals(current))
        {
            _log.Warning("The farm's register holds version {0} by {1}, which the members do not enforce{2}; building on version {3}, which most of them do",
                stored.Version, stored.WrittenBy, signed is null ? $" ({_trust.Problem(stored)})" : string.Empty, current.Version);
        }

        if (_floor.Current.Refuses(current) is { } replayed)
        {
            _log.Warning("Policy write by {0} refused: the farm's version {1} by {2} is a replay: {3}", apply.Writer, current.Version, current.WrittenBy, replayed);
            return new(ApplyOutcome.Failed, current.Version, $"not written: the farm's version {current.Version} is not the newest its writer enforced: {replayed}; see `policy status`");
        }

        // A retry of a write that already landed (its first try was lost with a moving arbiter): not a conflict.
        if (current.Nonce == apply.Nonce && current.Version == apply.Expected + 1)
        {
            return await EnforcedReplyAsync(current, apply);
        }

        if (current.Version != apply.Expected)
        {
            _log.Info("Policy write by {0} refused: it replaces version {1}, the farm is on version {2}", apply.Writer, apply.Expected, current.Version);
            return Reply(ApplyResult.Conflict(current));
        }

        if (current.Successor(apply.Text, apply.Author, _time.GetUtcNow(), apply.Writer, apply.Nonce, apply.FromLocalFile ? apply.Writer : null) is not { } successor)
        {
            return new(ApplyOutcome.Failed, current.Version, $"version {current.Version} is the largest possible; no version can follow it");
        }

        var next = _trust.Sign(successor);

        var update = Dsl.Update(PolicyEnvelope.Key, PolicyRegister.Empty(_self), new WriteMajority(apply.Timeout), register => PolicyRegister.With(register, _self, next));
        IUpdateResponse written;
        try
        {
            written = await _replicator.Ask<IUpdateResponse>(update, apply.Timeout + TimeSpan.FromSeconds(1));
        }
        catch (AskTimeoutException)
        {
            return Reply(ApplyResult.Unknown($"the replicator did not answer within {apply.Timeout.TotalSeconds:0.#} s"));
        }

        switch (written)
        {
            case UpdateTimeout:
                return Reply(ApplyResult.NotConfirmed(next.Version, apply.Timeout));
            case not UpdateSuccess:
                return new(ApplyOutcome.Failed, current.Version, $"not applied: {written}");
        }

        // Only this arbiter writes, but a member partitioned away with an older arbiter may have written too:
        // "applied" is said only when a majority holds this very write.
        var confirmed = await ReadMajorityAsync(apply.Timeout);
        if (confirmed.Envelope is { } held && !held.Equals(next))
        {
            return Reply(ApplyResult.Conflict(held));
        }

        if (confirmed.Failure is not null)
        {
            return Reply(ApplyResult.NotConfirmed(next.Version, apply.Timeout));
        }

        return await EnforcedReplyAsync(next, apply);
    }

    // Stored is not enforced: a member that refuses the version keeps its own. "Applied" means a majority
    // of the members enforce this exact write (its digest), not merely a version number as high.
    private async Task<PolicyWriteReply> EnforcedReplyAsync(PolicyEnvelope next, ApplyPolicy apply)
    {
        var (enforcing, members) = await EnforcingAsync(next, apply.Timeout);
        if (enforcing < (members / 2) + 1)
        {
            _log.Warning("Policy version {0} written for {1} by {2}, but only {3} of {4} members enforce it", next.Version, apply.Author, apply.Writer, enforcing, members);
            return Reply(ApplyResult.NotEnforced(next.Version, enforcing, members, apply.Timeout));
        }

        _log.Info("Policy version {0} written for {1} by {2}; {3} of {4} members enforce it", next.Version, apply.Author, apply.Writer, enforcing, members);
        return Reply(ApplyResult.Applied(next.Version, enforcing, members));
    }

    /// <summary>
    /// The version a write must replace: the farm's, decided from a majority read of the register and of what
    /// the members enforce, never from this host alone. The register's version counts when the members' most
    /// common version is it or it descends from that one (a write still spreading); a version that does not
    /// descend (forged, or a seed written by a member that could not reach the farm) is built over, not upon.
    /// </summary>
    public static PolicyEnvelope CurrentOf(PolicyEnvelope? farm, IEnumerable<PolicyEnvelope> enforced)
    {
        var common = enforced
            .Where(e => e.Version > 0)
            .GroupBy(e => e.Digest(), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenByDescending(g => g.First().Version)
            .Select(g => g.First())
            .FirstOrDefault();
        if (farm is null || farm.Version <= 0)
        {
            return common ?? PolicyRegister.None;
        }

        return common is null || farm.Equals(common) || PolicyDescent.Of(common, farm).Accepted ? farm : common;
    }

    private static PolicyWriteReply Reply(ApplyResult result) => new(result.Outcome, result.Version, result.Message, result.Enforcing, result.Members);

    private static ReadMajority ReadMajorityOf(TimeSpan timeout) => new(timeout);

    /// <summary>What the current members enforce, per the replicated map each member publishes its version in.</summary>
    private async Task<EnforcedRead> ReadEnforcedAsync(IReadConsistency consistency, TimeSpan timeout)
    {
        IGetResponse response;
        try
        {
            response = await _replicator.Ask<IGetResponse>(Dsl.Get(PolicyReplicaActor.EnforcedKey, consistency), timeout + TimeSpan.FromSeconds(1));
        }
        catch (AskTimeoutException)
        {
            return new([], $"the replicator did not answer within {timeout.TotalSeconds:0.#} s");
        }

        var members = CurrentMembers().ToHashSet(StringComparer.Ordinal);
        return response switch
        {
            GetSuccess got => new([.. got.Get(PolicyReplicaActor.EnforcedKey).Where(e => members.Contains(e.Key)).Select(e => e.Value)], null),
            NotFound => new([], null),
            _ => new([], $"could not read which policy the members enforce from a majority within {timeout.TotalSeconds:0.#} s"),
        };
    }

    /// <summary>Waits (bounded) until a majority of the current members enforce <paramref name="written"/>; how many do, of how many.</summary>
    private async Task<(int Enforcing, int Members)> EnforcingAsync(PolicyEnvelope written, TimeSpan timeout)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            var members = CurrentMembers().Count();
            var read = await ReadEnforcedAsync(ReadLocal.Instance, timeout);
            var enforcing = read.Envelopes.Count(e => e.Equals(written));
            if (enforcing >= (members / 2) + 1 || _time.GetUtcNow() >= deadline)
            {
                return (enforcing, members);
            }

            await Task.Delay(EnforcementPoll);
        }
    }

    private IEnumerable<string> CurrentMembers() =>
        Akka.Cluster.Cluster.Get(Context.System).State.Members
            .Where(m => m.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp)
            .Select(m => PolicyReplicaActor.SelfKey(m.Address));

    private async Task<FarmRead> ReadMajorityAsync(TimeSpan timeout)
    {
        IGetResponse response;
        try
        {
            response = await _replicator.Ask<IGetResponse>(Dsl.Get(PolicyEnvelope.Key, new ReadMajority(timeout)), timeout + TimeSpan.FromSeconds(1));
        }
        catch (AskTimeoutException)
        {
            return new(null, $"the replicator did not answer within {timeout.TotalSeconds:0.#} s");
        }

        return response switch
        {
            GetSuccess got => new(got.Get(PolicyEnvelope.Key).Value, null),
            NotFound => new(null, null),
            _ => new(null, $"could not read the farm's policy from a majority of members within {timeout.TotalSeconds:0.#} s"),
        };
    }

    private sealed record FarmRead(PolicyEnvelope? Envelope, string? Failure);

    private sealed record EnforcedRead(IReadOnlyList<PolicyEnvelope> Envelopes, string? Failure);
}

/// <summary>
/// Wires the arbiter: a singleton on the members of <c>role</c> (the lighthouses, as the seeder; or the
/// one standalone node) with a proxy, or only the proxy on a member that cannot host it (a node in a farm).
/// </summary>
/// <remarks>
/// With every member eligible, members that came Up in the same gossip saw the oldest change during
/// start and the arbiter was handed over for seconds; the lighthouses are up first and change least.
/// </remarks>
public static class PolicyArbiterActorHosting
{
    public const string Name = "policy-arbiter";

    public static AkkaConfigurationBuilder AddPolicyArbiter(this AkkaConfigurationBuilder builder, string role) =>
        builder.WithSingleton<PolicyArbiterActor>(Name, (_, _, resolver) =>
            {
                var time = resolver.GetService<TimeProvider>();
                var trust = resolver.GetService<PolicyTrust>() ?? throw new InvalidOperationException("no PolicyTrust registered: the arbiter signs every version it writes");
                var peers = trust.Enabled
                    ? resolver.GetService<OutboundPeerCheck>() ?? throw new InvalidOperationException("no OutboundPeerCheck registered: with cluster TLS on the arbiter checks who writes")
                    : null;
                var floor = resolver.GetService<PolicyFloorStore>() ?? throw new InvalidOperationException("no PolicyFloorStore registered: the arbiter must not build on a replayed version");
                return Props.Create(() => new PolicyArbiterActor(time, trust, peers, floor));
            },
            new ClusterSingletonOptions { Role = role }, createProxyToo: true);

    public static AkkaConfigurationBuilder AddPolicyArbiterProxy(this AkkaConfigurationBuilder builder, string role) =>
        builder.WithSingletonProxy<PolicyArbiterActor>(Name, new ClusterSingletonOptions { Role = role });
}
