using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Hosting;
using Farm.Shared.Replication;
using Farm.Shared.Replication.Floor;
using Farm.Shared.Replication.Signing;

namespace Farm.Shared.Tests.Replication;

/// <summary>
/// Compare-and-set policy writes on a real one-member cluster: the arbiter, the replicator and the
/// policy replica with a real <see cref="PolicyKeeper"/>, messages serialized as if they crossed the network.
/// </summary>
public sealed class PolicyArbiterTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private ActorSystem _system = null!;
    private PolicyKeeper _keeper = null!;
    private PolicyApplier _applier = null!;
    private readonly TempDirectory _floorDirectory = new();

    public async Task InitializeAsync()
    {
        var config = ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.actor.provider = cluster
                akka.actor.serialize-messages = on
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                akka.cluster.distributed-data.notify-subscribers-interval = 50ms
                """)
            .WithFallback(FarmSerialization.Config);
        _system = ActorSystem.Create("farm", config);
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(up.SetResult);
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(Timeout);

        _keeper = new PolicyKeeper(new PolicyHistory());
        var floor = new PolicyFloorStore(_floorDirectory.Path);
        _system.ActorOf(Props.Create(() => new PolicyReplicaActor(_keeper, PolicyTrust.Off, floor)), PolicyReplicaActorHosting.Name);
        ActorRegistry.For(_system).Register<PolicyArbiterActor>(_system.ActorOf(Props.Create(() => new PolicyArbiterActor(TimeProvider.System, PolicyTrust.Off, null, floor)), PolicyArbiterActorHosting.Name));
        _applier = new PolicyApplier(_system);

        Assert.Equal(ApplyOutcome.Applied, (await _applier.ApplyAsync(Policy(1), "seed", expected: 0)).Outcome);
        await EnforcedAsync(1);
    }

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        _floorDirectory.Dispose();
    }

    [Fact]
    public async Task ForgedLongMaxValue_WrittenThroughTheReplicator_IsNotEnforced_AndTheNextApplyWorks()
    {
        var self = Akka.Cluster.Cluster.Get(_system).SelfUniqueAddress;
        var held = await EnforcedEnvelopeAsync();
        var forged = held.Successor("client pass from any\npass any to any\n", "mallory", DateTimeOffset.UtcNow, "rogue", "forged")! with { Version = long.MaxValue };
        var write = Dsl.Update(PolicyEnvelope.Key, PolicyRegister.Empty(self), WriteLocal.Instance, register => PolicyRegister.With(register, self, forged));
        Assert.IsType<UpdateSuccess>(await DistributedData.Get(_system).Replicator.Ask<IUpdateResponse>(write, Timeout));

        // Several notification rounds: a replica that takes it would have by now.
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.Equal(1, _keeper.EnforcedVersion);
        var readiness = new Farm.Shared.Cluster.MemberReadiness(_keeper);
        readiness.SetUp(true);
        Assert.False(readiness.IsReady(out var refusing));
        Assert.Contains($"refusing the farm's newest policy: version {long.MaxValue} by rogue (mallory) refused, version 1 stays", refusing, StringComparison.Ordinal);

        var applied = await _applier.ApplyAsync(Policy(2), "alice", expected: 1);

        Assert.Equal(ApplyOutcome.Applied, applied.Outcome);
        Assert.Equal(2, applied.Version);
        await EnforcedAsync(2);
        Assert.True(readiness.IsReady(out var reason), reason);
    }

    [Fact]
    public async Task TwoConcurrentApplies_OfTheSameExpectedVersion_OneAppliedTheOtherConflicts()
    {
        var first = _applier.ApplyAsync(Policy(10), "alice", expected: 1);
        var second = _applier.ApplyAsync(Policy(20), "bob", expected: 1);
        var results = await Task.WhenAll(first, second);

        var winner = Assert.Single(results, r => r.Outcome == ApplyOutcome.Applied);
        var loser = Assert.Single(results, r => r.Outcome == ApplyOutcome.Conflict);
        Assert.Equal(2, winner.Version);
        Assert.StartsWith("conflict: version 2 was written by akka.tcp://farm@127.0.0.1:", loser.Message, StringComparison.Ordinal);
        Assert.EndsWith("; re-run", loser.Message, StringComparison.Ordinal);
        await EnforcedAsync(2);
        Assert.Equal(results[0].Outcome == ApplyOutcome.Applied ? Policy(10) : Policy(20), (await EnforcedEnvelopeAsync()).Text);
    }

    /// <summary>
    /// A member re-sends an apply the arbiter did not answer (it was lost with an arbiter that moved); when
    /// the first try did land, the retry (same nonce) is that write, not a conflict with it.
    /// </summary>
    [Fact]
    public async Task TheSameRequestSentTwice_IsOneWrite_AndBothAreAnsweredApplied()
    {
        var arbiter = await ActorRegistry.For(_system).GetAsync<PolicyArbiterActor>();
        var writer = PolicyReplicaActor.SelfKey(Akka.Cluster.Cluster.Get(_system).SelfAddress);
        var request = new ApplyPolicy(Policy(2), "alice", 1, writer, "retried-nonce", TimeSpan.FromSeconds(5));

        var first = await arbiter.Ask<PolicyWriteReply>(request, Timeout);
        var retry = await arbiter.Ask<PolicyWriteReply>(request, Timeout);
        var other = await arbiter.Ask<PolicyWriteReply>(request with { Nonce = "another-nonce" }, Timeout);

        Assert.Equal((ApplyOutcome.Applied, 2L), (first.Outcome, first.Version));
        Assert.Equal((ApplyOutcome.Applied, 2L), (retry.Outcome, retry.Version));
        Assert.Equal(ApplyOutcome.Conflict, other.Outcome);
        await EnforcedAsync(2);
        Assert.Equal("retried-nonce", (await EnforcedEnvelopeAsync()).Nonce);
    }

    [Fact]
    public async Task ApplyReplacingAnOlderVersion_Conflicts_AndNothingIsWritten()
    {
        Assert.Equal(ApplyOutcome.Applied, (await _applier.ApplyAsync(Policy(2), "alice", expected: 1)).Outcome);

        var stale = await _applier.ApplyAsync(Policy(3), "bob", expected: 1);

        Assert.Equal(ApplyOutcome.Conflict, stale.Outcome);
        Assert.Equal(2, stale.Version);
        Assert.Contains("(alice); re-run", stale.Message, StringComparison.Ordinal);
        await EnforcedAsync(2);
    }

    /// <summary>
    /// A reload of the member's own file goes through the arbiter like any write and is recorded as that
    /// member's local file; an apply of the same text is not, and neither loses its compare-and-set.
    /// </summary>
    [Fact]
    public async Task ReloadFromTheLocalFile_RecordsTheWriterAsLocal_AnApplyOfTheSameTextDoesNot()
    {
        var self = PolicyReplicaActor.SelfKey(Akka.Cluster.Cluster.Get(_system).SelfAddress);

        Assert.Equal(ApplyOutcome.Applied, (await _applier.ApplyAsync(Policy(2), "alice", expected: 1)).Outcome);
        await EnforcedAsync(2);
        var applied = await EnforcedEnvelopeAsync();
        Assert.Equal(ApplyOutcome.Applied, (await _applier.ApplyAsync(Policy(2), "reload", expected: 2, fromLocalFile: true)).Outcome);
        await EnforcedAsync(3);
        var reloaded = await EnforcedEnvelopeAsync();
        var stale = await _applier.ApplyAsync(Policy(2), "reload", expected: 2, fromLocalFile: true);

        Assert.Equal((null, self), (applied.LocalOf, reloaded.LocalOf));
        Assert.Equal((self, applied.Digest()), (reloaded.Writer, reloaded.Ancestors[^1]));
        Assert.Equal(ApplyOutcome.Conflict, stale.Outcome);
    }

    /// <summary>
    /// Issue 17, outsider finding F2: version 1, signed in its day, written back into the register and into
    /// this member's entry of the enforced map. The member keeps version 2 and stays ready, and the arbiter
    /// does not build the next version on the replay (before the floor it wrote "version 2" over version 1).
    /// </summary>
    [Fact]
    public async Task ReplayOfAnOlderVersion_InTheRegisterAndTheEnforcedMap_IsNotEnforced_AndNotBuiltOn()
    {
        var self = Akka.Cluster.Cluster.Get(_system).SelfUniqueAddress;
        var replicator = DistributedData.Get(_system).Replicator;
        var version1 = await EnforcedEnvelopeAsync();
        Assert.Equal(ApplyOutcome.Applied, (await _applier.ApplyAsync(Policy(2), "alice", expected: 1)).Outcome);
        await EnforcedAsync(2);

        var register = Dsl.Update(PolicyEnvelope.Key, PolicyRegister.Empty(self), WriteLocal.Instance, r => PolicyRegister.With(r, self, version1));
        var entry = Dsl.Update(PolicyReplicaActor.EnforcedKey, LWWDictionary<string, PolicyEnvelope>.Empty, WriteLocal.Instance,
            status => status.SetItem(self, PolicyReplicaActor.SelfKey(self.Address), version1));
        Assert.IsType<UpdateSuccess>(await replicator.Ask<IUpdateResponse>(register, Timeout));
        Assert.IsType<UpdateSuccess>(await replicator.Ask<IUpdateResponse>(entry, Timeout));

        // Several notification rounds: a replica that takes it would have by now.
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.Equal(2, _keeper.EnforcedVersion);
        var readiness = new Farm.Shared.Cluster.MemberReadiness(_keeper);
        readiness.SetUp(true);
        Assert.True(readiness.IsReady(out var reason), reason);

        var onReplay = await _applier.ApplyAsync(Policy(3), "bob", expected: 1);

        Assert.Equal(ApplyOutcome.Failed, onReplay.Outcome);
        Assert.Contains("older than version 2", onReplay.Message, StringComparison.Ordinal);
        Assert.Equal(2, _keeper.EnforcedVersion);
    }

    [Fact]
    public void CurrentOf_IsTheMembersCommonVersion_WhenTheRegisterHoldsOneThatDoesNotDescendFromIt()
    {
        var at = DateTimeOffset.UtcNow;
        var v1 = PolicyRegister.None.Successor(Policy(1), "alice", at, "w", "1")!;
        var v2 = v1.Successor(Policy(2), "alice", at, "w", "2")!;
        var forged = v2.Successor(Policy(3), "mallory", at, "rogue", "f")! with { Version = long.MaxValue };
        var lateSeed = PolicyRegister.None.Successor(Policy(9), PolicyDescent.SeedAuthorPrefix + "lighthouse", at, "lh", "s", "lh")!;
        var spreading = v2.Successor(Policy(4), "bob", at, "w", "3")!;

        Assert.Equal(v2, PolicyArbiterActor.CurrentOf(forged, [v2, v2, v1]));
        Assert.Equal(v2, PolicyArbiterActor.CurrentOf(lateSeed, [v2, v2, lateSeed]));
        Assert.Equal(spreading, PolicyArbiterActor.CurrentOf(spreading, [v2, v2]));
        Assert.Equal(v2, PolicyArbiterActor.CurrentOf(v2, []));
        Assert.Equal(v1, PolicyArbiterActor.CurrentOf(null, [v1]));
        Assert.Same(PolicyRegister.None, PolicyArbiterActor.CurrentOf(null, []));
    }

    private static string Policy(int port) => $"client pass from any\npass connect to any port {port}\n";

    private async Task<PolicyEnvelope> EnforcedEnvelopeAsync() =>
        (await _system.ActorSelection("/user/" + PolicyReplicaActorHosting.Name).Ask<EnforcedPolicy>(GetEnforcedPolicy.Instance, Timeout)).Envelope!;

    private async Task EnforcedAsync(long version)
    {
        for (var i = 0; i < 200 && _keeper.EnforcedVersion != version; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(version, _keeper.EnforcedVersion);
    }
}
