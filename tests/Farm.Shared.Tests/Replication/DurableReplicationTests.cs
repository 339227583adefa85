using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;
using Farm.Shared.Replication;

namespace Farm.Shared.Tests.Replication;

/// <summary>The file store behind a real replicator: a member that restarts keeps what it had.</summary>
public sealed class DurableReplicationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task PolicyWrittenLocally_SurvivesRestartOfTheMember()
    {
        var policy = new PolicyEnvelope("client pass from any\n", 7, "alice", new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)), "akka.tcp://farm@127.0.0.1:4054");
        var first = await StartMemberAsync();
        var self = Akka.Cluster.Cluster.Get(first).SelfUniqueAddress;
        var update = Dsl.Update(PolicyEnvelope.Key, new LWWRegister<PolicyEnvelope>(self, policy), WriteLocal.Instance, r => r.WithValue(self, policy));
        Assert.IsType<UpdateSuccess>(await DistributedData.Get(first).Replicator.Ask<IUpdateResponse>(update, Timeout));
        await first.Terminate();

        var second = await StartMemberAsync();
        try
        {
            var response = await DistributedData.Get(second).Replicator.Ask<IGetResponse>(Dsl.Get(PolicyEnvelope.Key, ReadLocal.Instance), Timeout);

            Assert.Equal(policy, Assert.IsType<GetSuccess>(response).Get(PolicyEnvelope.Key).Value);
        }
        finally
        {
            await second.Terminate();
        }
    }

    /// <summary>A store written before envelopes named their local member still loads: such a version is nobody's local file.</summary>
    [Fact]
    public async Task EnvelopeV1Bytes_ReadWithNoLocalMember()
    {
        var system = ActorSystem.Create("envelope-v1");
        try
        {
            var serializer = new PolicyEnvelopeSerializer((ExtendedActorSystem)system);
            var current = serializer.ToBinary(new PolicyEnvelope("client pass from any\n", 3, "bob", DateTimeOffset.UnixEpoch, "akka.tcp://farm@127.0.0.1:4054"));
            // v1 is v3 without the trailing local member, writer and nonce (empty: one length byte each) and the ancestor count (4 bytes).
            var v1 = serializer.ToBinary(new PolicyEnvelope("client pass from any\n", 3, "bob", DateTimeOffset.UnixEpoch))[..^7];

            var read = (PolicyEnvelope)serializer.FromBinary(v1, PolicyEnvelopeSerializer.ManifestV1);

            Assert.Equal(new PolicyEnvelope("client pass from any\n", 3, "bob", DateTimeOffset.UnixEpoch), read);
            Assert.Equal("akka.tcp://farm@127.0.0.1:4054", ((PolicyEnvelope)serializer.FromBinary(current, serializer.Manifest(read))).LocalOf);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task DamagedStoreFile_ReplicatorServesNotFound_DamageReported_UntilAPolicyIsWritten()
    {
        Directory.CreateDirectory(_dir.Path);
        var file = Path.Combine(_dir.Path, "farm-policy.ddata");
        await File.WriteAllTextAsync(file, "not a durable data file");
        var system = await StartMemberAsync();
        try
        {
            var replicator = DistributedData.Get(system).Replicator;
            var response = await replicator.Ask<IGetResponse>(Dsl.Get(PolicyEnvelope.Key, ReadLocal.Instance), Timeout);

            Assert.IsType<NotFound>(response);
            Assert.Equal(file, DurableStoreHealth.Get(system).Damage?.File);

            var self = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress;
            var policy = new PolicyEnvelope("client pass from any\n", 3, "peer", DateTimeOffset.UnixEpoch);
            var update = Dsl.Update(PolicyEnvelope.Key, new LWWRegister<PolicyEnvelope>(self, policy), WriteLocal.Instance, r => r.WithValue(self, policy));
            Assert.IsType<UpdateSuccess>(await replicator.Ask<IUpdateResponse>(update, Timeout));
            Assert.Null(DurableStoreHealth.Get(system).Damage);
        }
        finally
        {
            await system.Terminate();
        }
    }

    public void Dispose() => _dir.Dispose();

    private async Task<ActorSystem> StartMemberAsync()
    {
        var config = ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.actor.provider = cluster
                akka.actor.serialize-messages = on
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                """)
            .WithFallback(FileDurableStoreActor.ConfigFor(_dir.Path, "*"))
            .WithFallback(FarmSerialization.Config);
        var system = ActorSystem.Create("farm", config);
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(up.SetResult);
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(Timeout);
        return system;
    }
}
