using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Hosting;
using Farm.Shared.Cluster;
using Farm.Shared.Policy;
using Farm.Shared.Replication.Signing;

namespace Farm.Shared.Replication;

/// <summary>
/// Applies a policy to the whole farm from any member: validates it, then asks the policy arbiter (one
/// writer for the farm) to write it as the version after <c>expected</c>, the version the operator saw.
/// The answer is "applied" once a majority stored and enforces exactly this write and so does this member,
/// or a conflict naming the version that came first. Also answers "policy status", from versions a
/// lighthouse signed only (<see cref="PolicyTrust"/>).
/// </summary>
public sealed class PolicyApplier(IClusterSystem cluster, PolicyTrust trust)
{
    /// <summary>An applier for a cluster without TLS, where nothing is signed.</summary>
    public PolicyApplier(ActorSystem system)
        : this(new FixedClusterSystem(system), PolicyTrust.Off)
    {
    }

    private const string Detached = "this node is detached from the farm (no cluster member until it rejoins): apply through another member";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LocalWait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LocalPoll = TimeSpan.FromMilliseconds(10);

    /// <param name="fromLocalFile">The text is this member's own policy file (a reload): the version records it (<see cref="PolicyEnvelope.LocalOf"/>).</param>
    /// <param name="signed">The operator's signature over this write (its nonce becomes the write's), or null.</param>
    public async Task<ApplyResult> ApplyAsync(string text, string author, long expected, TimeSpan? timeout = null, bool fromLocalFile = false, OperatorSignature? signed = null)
    {
        var parsed = PolicyParser.Parse(text);
        if (!parsed.Success)
            return ApplyResult.Invalid(parsed.Errors);

        if (cluster.Current is not { } system)
            return ApplyResult.Unknown(Detached);

        var wait = timeout ?? DefaultTimeout;
        var writer = PolicyReplicaActor.SelfKey(Akka.Cluster.Cluster.Get(system).SelfAddress);
        var request = new ApplyPolicy(text, author, expected, writer, signed?.Nonce ?? Guid.NewGuid().ToString("N"), wait, fromLocalFile, signed);
        PolicyWriteReply reply;
        try
        {
            var arbiter = await ActorRegistry.For(system).GetAsync<PolicyArbiterActor>().WaitAsync(wait).ConfigureAwait(false);
            reply = await AskArbiterAsync(arbiter, request, wait).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException)
        {
            return ApplyResult.Unknown($"the farm's policy writer did not answer within {(wait * ArbiterSteps).TotalSeconds:0.#} s");
        }

        if (reply.Outcome == ApplyOutcome.Applied && await RefusedHereAsync(system, request.Nonce).ConfigureAwait(false) is { } refusal)
        {
            return new ApplyResult(ApplyOutcome.NotConfirmed, reply.Version, [], $"version {reply.Version} was written and a majority of members enforce it, but this member does not: {refusal}");
        }

        return new ApplyResult(reply.Outcome, reply.Version, [], reply.Message, reply.Enforcing, reply.Members);
    }

    private const int ArbiterSteps = 5;

    // A request sent while the arbiter moves goes to the dead one and is lost; the same request (same
    // nonce) is sent again after these waits, and the arbiter answers a retry of a landed write as applied.
    private static readonly TimeSpan[] ArbiterRetries = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)];

    /// <summary>
    /// The arbiter reads twice, writes, reads again and waits for enforcement, each bounded by the wait; a
    /// handover adds a moment. Earlier tries stay pending, so a slow but live arbiter still answers the first.
    /// </summary>
    private static async Task<PolicyWriteReply> AskArbiterAsync(IActorRef arbiter, ApplyPolicy request, TimeSpan wait)
    {
        var whole = (wait * ArbiterSteps) + TimeSpan.FromSeconds(2);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<Task<PolicyWriteReply>> tries = [arbiter.Ask<PolicyWriteReply>(request, whole)];
        foreach (var pause in ArbiterRetries)
        {
            await Task.WhenAny(Task.WhenAny(tries), Task.Delay(pause)).ConfigureAwait(false);
            if (tries.FirstOrDefault(t => t.IsCompletedSuccessfully) is { } answered)
            {
                return answered.Result;
            }

            tries.Add(arbiter.Ask<PolicyWriteReply>(request, whole - clock.Elapsed));
        }

        while (true)
        {
            var done = await Task.WhenAny(tries).ConfigureAwait(false);
            tries.Remove(done);
            if (done.IsCompletedSuccessfully || tries.Count == 0)
            {
                return await done.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Waits (bounded) until this member's replica enforces the write with <paramref name="nonce"/>, so that
    /// "now enforcing" holds for the member the operator talked to; null when it does, else why not.
    /// </summary>
    private static async Task<string?> RefusedHereAsync(ActorSystem system, string nonce)
    {
        var replica = system.ActorSelection("/user/" + PolicyReplicaActorHosting.Name);
        var deadline = DateTime.UtcNow + LocalWait;
        EnforcedPolicy held;
        do
        {
            try
            {
                held = await replica.Ask<EnforcedPolicy>(GetEnforcedPolicy.Instance, LocalWait).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                return $"its policy replica did not answer within {LocalWait.TotalSeconds:0.#} s";
            }

            if (held.Envelope?.Nonce == nonce)
            {
                return null;
            }

            await Task.Delay(LocalPoll).ConfigureAwait(false);
        }
        while (DateTime.UtcNow < deadline);

        return held.Refusal ?? $"it still enforces version {held.Envelope?.Version ?? 0} after {LocalWait.TotalSeconds:0.#} s";
    }

    public async Task<PolicyStatus> GetStatusAsync(TimeSpan? timeout = null)
    {
        var system = cluster.Current ?? throw new InvalidOperationException(Detached);
        var wait = timeout ?? DefaultTimeout;
        var replicator = DistributedData.Get(system).Replicator;
        var policy = await replicator.Ask<IGetResponse>(Dsl.Get(PolicyEnvelope.Key, ReadLocal.Instance), wait);
        var status = await replicator.Ask<IGetResponse>(Dsl.Get(PolicyReplicaActor.EnforcedKey, ReadLocal.Instance), wait);
        var enforced = status is GetSuccess reported ? reported.Get(PolicyReplicaActor.EnforcedKey) : LWWDictionary<string, PolicyEnvelope>.Empty;

        var current = Akka.Cluster.Cluster.Get(system).State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Joining)
            .ToList();
        var trusted = current
            .Select(m => enforced.TryGetValue(PolicyReplicaActor.SelfKey(m.Address), out var envelope) && trust.Trusts(envelope) ? envelope : null)
            .ToList();

        // The farm's version is decided as the writer decides it: a register value no lighthouse signed, or one
        // below what the members enforce (a replay), is no farm version.
        var register = policy is GetSuccess got && got.Get(PolicyEnvelope.Key).Value is { } held && trust.Trusts(held) ? held : null;
        var farm = PolicyArbiterActor.CurrentOf(register, trusted.OfType<PolicyEnvelope>());
        var farmDigest = farm.Version > 0 ? farm.Digest() : string.Empty;

        var members = current
            .Select((m, i) => new MemberPolicyVersion(PolicyReplicaActor.SelfKey(m.Address), [.. m.Roles.Order()], m.Status.ToString(), trusted[i]?.Version, trusted[i]?.Digest()))
            .ToList();
        return new PolicyStatus(farm.Version, farmDigest, members);
    }
}
