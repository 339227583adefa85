using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Farm.Shared.Policy;

namespace Farm.Shared.Replication;

/// <summary>
/// Applies a policy to the whole farm from any member: validates it, writes version current + 1 with
/// WriteMajority, and answers once a majority stored it. Also answers "policy status".
/// </summary>
public sealed class PolicyApplier(ActorSystem system, TimeProvider time)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <param name="fromLocalFile">The text is this member's own policy file (a reload): the version records it (<see cref="PolicyEnvelope.LocalOf"/>).</param>
    public async Task<ApplyResult> ApplyAsync(string text, string author, TimeSpan? timeout = null, bool fromLocalFile = false)
    {
        var parsed = PolicyParser.Parse(text);
        if (!parsed.Success)
            return ApplyResult.Invalid(parsed.Errors);

        var wait = timeout ?? DefaultTimeout;
        var data = DistributedData.Get(system);
        var self = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress;
        var localOf = fromLocalFile ? self.Address.ToString() : null;
        var written = new WrittenVersion();
        var update = Dsl.Update(PolicyEnvelope.Key, PolicyRegister.Empty(self), new WriteMajority(wait), register =>
        {
            // Runs inside the replicator, so "current" is this member's merged view at the time of the write.
            var next = new PolicyEnvelope(text, register.Value.Version + 1, author, time.GetUtcNow(), localOf);
            written.Version = next.Version;
            return PolicyRegister.With(register, self, next);
        });

        IUpdateResponse response;
        try
        {
            response = await data.Replicator.Ask<IUpdateResponse>(update, wait + TimeSpan.FromSeconds(1));
        }
        catch (AskTimeoutException)
        {
            return ApplyResult.Failed($"the replicator did not answer within {wait.TotalSeconds:0.#} s");
        }

        return response switch
        {
            UpdateSuccess => ApplyResult.Applied(written.Version),
            UpdateTimeout => ApplyResult.NotConfirmed(written.Version, wait),
            ModifyFailure failure => ApplyResult.Failed(failure.ErrorMessage),
            _ => ApplyResult.Failed($"not applied: {response}"),
        };
    }

    public async Task<PolicyStatus> GetStatusAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? DefaultTimeout;
        var replicator = DistributedData.Get(system).Replicator;
        var policy = await replicator.Ask<IGetResponse>(Dsl.Get(PolicyEnvelope.Key, ReadLocal.Instance), wait);
        var status = await replicator.Ask<IGetResponse>(Dsl.Get(PolicyReplicaActor.StatusKey, ReadLocal.Instance), wait);
        var farmVersion = policy is GetSuccess got ? got.Get(PolicyEnvelope.Key).Value.Version : 0;
        var versions = status is GetSuccess reported ? reported.Get(PolicyReplicaActor.StatusKey) : LWWDictionary<string, long>.Empty;

        var members = Akka.Cluster.Cluster.Get(system).State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Joining)
            .Select(m =>
            {
                var key = PolicyReplicaActor.SelfKey(m.Address);
                long? version = versions.TryGetValue(key, out var v) ? v : null;
                return new MemberPolicyVersion(key, [.. m.Roles.Order()], m.Status.ToString(), version);
            })
            .ToList();
        return new PolicyStatus(farmVersion, members);
    }

    private sealed class WrittenVersion
    {
        public long Version { get; set; }
    }
}
