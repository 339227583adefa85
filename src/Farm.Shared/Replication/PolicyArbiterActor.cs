using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;

namespace Farm.Shared.Replication;

/// <summary>
/// The farm's single policy writer, a cluster singleton on the oldest lighthouse: it takes one
/// <see cref="ApplyPolicy"/> at a time, so two concurrent applies cannot both write version N + 1.
/// For each it reads the register from a majority (what an earlier arbiter wrote is seen), writes
/// exactly current + 1 only when that is the version the write replaces, then reads a majority again
/// to confirm the farm holds this write (by its nonce) before it answers "applied".
/// </summary>
/// <remarks>
/// The register merges by last writer, so with writers on several members one of two writes of N + 1
/// would be dropped while both were told "applied"; one writer in turn cannot lose a write that way.
/// "Current" is the newest version that descends from what this member enforces: a forged version in
/// the register (refused by every member) is overwritten by the next apply, never built upon.
/// </remarks>
public sealed class PolicyArbiterActor : ReceiveActor
{
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly Akka.Cluster.UniqueAddress _self = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeProvider _time;

    public PolicyArbiterActor(TimeProvider time)
    {
        _time = time;
        ReceiveAsync<ApplyPolicy>(async apply => Sender.Tell(await WriteAsync(apply)));
    }

    private async Task<PolicyWriteReply> WriteAsync(ApplyPolicy apply)
    {
        var farm = await ReadMajorityAsync(apply.Timeout);
        if (farm.Failure is { } failure)
        {
            return new(ApplyOutcome.Failed, 0, failure);
        }

        var held = await HeldAsync(apply.Timeout);
        var current = CurrentOf(held, farm.Envelope);
        if (current.Version != apply.Expected)
        {
            _log.Info("Policy write by {0} refused: it replaces version {1}, the farm is on version {2}", apply.Writer, apply.Expected, current.Version);
            return Reply(ApplyResult.Conflict(current));
        }

        if (current.Successor(apply.Text, apply.Author, _time.GetUtcNow(), apply.Writer, apply.Nonce, apply.FromLocalFile ? apply.Writer : null) is not { } next)
        {
            return new(ApplyOutcome.Failed, current.Version, $"version {current.Version} is the largest possible; no version can follow it");
        }

        var update = Dsl.Update(PolicyEnvelope.Key, PolicyRegister.Empty(_self), new WriteMajority(apply.Timeout), register => PolicyRegister.With(register, _self, next));
        IUpdateResponse written;
        try
        {
            written = await _replicator.Ask<IUpdateResponse>(update, apply.Timeout + TimeSpan.FromSeconds(1));
        }
        catch (AskTimeoutException)
        {
            return new(ApplyOutcome.Failed, current.Version, $"the replicator did not answer within {apply.Timeout.TotalSeconds:0.#} s");
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
        if (confirmed.Envelope is { } stored && !stored.Equals(next))
        {
            return Reply(ApplyResult.Conflict(stored));
        }

        if (confirmed.Failure is not null)
        {
            return Reply(ApplyResult.NotConfirmed(next.Version, apply.Timeout));
        }

        _log.Info("Policy version {0} written for {1} by {2}", next.Version, apply.Author, apply.Writer);
        return Reply(ApplyResult.Applied(next.Version));
    }

    /// <summary>The version a write must replace: the farm's, unless it does not descend from what this member enforces.</summary>
    public static PolicyEnvelope CurrentOf(PolicyEnvelope? held, PolicyEnvelope? farm)
    {
        if (farm is null || farm.Version <= 0)
        {
            return held ?? PolicyRegister.None;
        }

        return held is null || PolicyDescent.Of(held, farm).Kind != PolicyDescentKind.Refused ? farm : held;
    }

    private static PolicyWriteReply Reply(ApplyResult result) => new(result.Outcome, result.Version, result.Message);

    private async Task<PolicyEnvelope?> HeldAsync(TimeSpan timeout)
    {
        try
        {
            var held = await Context.System.ActorSelection("/user/" + PolicyReplicaActorHosting.Name)
                .Ask<EnforcedPolicy>(GetEnforcedPolicy.Instance, timeout);
            return held.Envelope;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

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
        builder.WithSingleton<PolicyArbiterActor>(Name, (_, _, resolver) => Props.Create(() => new PolicyArbiterActor(resolver.GetService<TimeProvider>())),
            new ClusterSingletonOptions { Role = role }, createProxyToo: true);

    public static AkkaConfigurationBuilder AddPolicyArbiterProxy(this AkkaConfigurationBuilder builder, string role) =>
        builder.WithSingletonProxy<PolicyArbiterActor>(Name, new ClusterSingletonOptions { Role = role });
}
