using Akka.Actor;
using Akka.DistributedData;
using Akka.Hosting;
using Farm.Shared.Cluster;
using Farm.Shared.Discovery;
using Farm.Shared.Replication;
using Farm.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Farm.IntegrationTests.Rogues;

/// <summary>
/// A member that is in the farm by the rules and then abuses it: an Akka cluster member in the test process,
/// built with the farm's own cluster hosting (mutual TLS, its serializers) and a farm certificate issued for
/// role <c>socks</c> only, that joins through the lighthouse and writes the policy register and other members'
/// advertisements directly through Distributed Data, around the policy arbiter and their advertisers, or sends
/// the arbiter policy writes of its own making.
/// </summary>
public sealed class RogueClusterMember : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly IHost _host;
    private readonly DirectoryInfo _directory;

    private RogueClusterMember(IHost host, DirectoryInfo directory, string hostname, int port)
    {
        _host = host;
        _directory = directory;
        Hostname = hostname;
        Port = port;
    }

    public string Hostname { get; }

    public int Port { get; }

    /// <summary>Its key in the <c>farm-nodes</c> map (<see cref="NodeAdvertisement.EntryKey"/>).</summary>
    public string EntryKey => NodeAdvertisement.EntryKey(Akka.Cluster.Cluster.Get(Actors).SelfUniqueAddress);

    private ActorSystem Actors => _host.Services.GetRequiredService<ActorSystem>();

    /// <summary>Akka configuration that makes the rogue send Akka's cluster Down in Akka's JSON serializer instead of the cluster's own.</summary>
    public const string DownInJson = "akka.actor.serialization-bindings { \"Akka.Cluster.ClusterUserAction+Down, Akka.Cluster\" = json }";

    /// <summary>Starts it with <paramref name="seed"/> as its seed (and <paramref name="hocon"/> over the farm's Akka configuration) and returns once it is Up.</summary>
    /// <param name="hostname">Its remoting address; its certificate must name it.</param>
    public static async Task<RogueClusterMember> JoinAsync(string seed, TestCertificateSet certificate, string? hocon = null, string hostname = "127.0.0.1")
    {
        var port = TestPorts.Next();
        var directory = Directory.CreateTempSubdirectory("farm-rogue-");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(certificate.Settings())
        {
            ["Farm:Cluster:Hostname"] = hostname,
            ["Farm:Cluster:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Farm:Cluster:Seeds:0"] = seed,
            ["Farm:Cluster:DataDirectory"] = Path.Combine(directory.FullName, "ddata"),
        });
        builder.Services.AddFarmClusterMember(builder.Configuration, "socks", port);

        // Readiness needs an enforcer; the rogue runs no policy replica, so this one is never used.
        builder.Services.AddSingleton<IPolicyEnforcer>(new PolicyKeeper(new PolicyHistory()));
        builder.Services.AddAkka("farm", (akka, services) =>
        {
            akka.WithFarmCluster(services, "socks", port);
            akka.AddPolicyArbiterProxy("lighthouse");
            if (hocon is not null)
            {
                akka.AddHocon(hocon, HoconAddMode.Prepend);
            }
        });
        var host = builder.Build();
        var rogue = new RogueClusterMember(host, directory, hostname, port);
        try
        {
            await host.StartAsync();
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Akka.Cluster.Cluster.Get(rogue.Actors).RegisterOnMemberUp(up.SetResult);
            await up.Task.WaitAsync(Timeout);
            return rogue;
        }
        catch
        {
            await rogue.DisposeAsync();
            throw;
        }
    }

    /// <summary>The farm's current register value, read from a majority.</summary>
    /// <remarks>Just Up, the replicator may not know the other members yet: its "majority" is itself, which has no value.</remarks>
    public async Task<PolicyEnvelope> ReadPolicyAsync()
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var read = await DistributedData.Get(Actors).Replicator.Ask<IGetResponse>(Dsl.Get(PolicyEnvelope.Key, new ReadMajority(TimeSpan.FromSeconds(10))), Timeout);
            if (read is GetSuccess got)
            {
                return got.Get(PolicyEnvelope.Key).Value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the rogue could not read the farm's policy within {Timeout.TotalSeconds} s: {read}");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Writes <paramref name="forged"/> into the register on every member, as any member's replicator can.</summary>
    public async Task WritePolicyAsync(PolicyEnvelope forged)
    {
        var self = Akka.Cluster.Cluster.Get(Actors).SelfUniqueAddress;
        var write = Dsl.Update(PolicyEnvelope.Key, PolicyRegister.Empty(self), new WriteAll(TimeSpan.FromSeconds(10)), register => PolicyRegister.With(register, self, forged));
        Assert.IsType<UpdateSuccess>(await DistributedData.Get(Actors).Replicator.Ask<IUpdateResponse>(write, Timeout));
    }

    /// <summary>Sends <paramref name="write"/> to the farm's policy arbiter, as a member's applier does, and returns its answer.</summary>
    public async Task<PolicyWriteReply> AskArbiterAsync(ApplyPolicy write)
    {
        var arbiter = await ActorRegistry.For(Actors).GetAsync<PolicyArbiterActor>().WaitAsync(Timeout);
        return await arbiter.Ask<PolicyWriteReply>(write, Timeout);
    }

    /// <summary>Sends <paramref name="write"/> to the policy arbiter on the lighthouse at <paramref name="lighthouse"/>, by actor selection, with <paramref name="sender"/> written as its sender (null: none); any answer goes there.</summary>
    /// <param name="sender">An actor path as the rogue writes it into the message's envelope, whoever's address it names.</param>
    public void TellArbiter(string lighthouse, ApplyPolicy write, string? sender) =>
        Actors.ActorSelection($"{lighthouse}/user/{PolicyArbiterActorHosting.Name}/{PolicyArbiterActorHosting.Name}")
            .Tell(write, sender is null ? ActorRefs.NoSender : ((ExtendedActorSystem)Actors).Provider.ResolveActorRef(sender));

    /// <summary>The farm's advertisements once the entry of the member at <paramref name="member"/> (its cluster address) has reached the rogue.</summary>
    public async Task<IReadOnlyDictionary<string, NodeAdvertisement>> ReadAdvertisementsAsync(string member)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var read = await DistributedData.Get(Actors).Replicator.Ask<IGetResponse>(Dsl.Get(NodeAdvertisement.Key, ReadLocal.Instance), Timeout);
            if (read is GetSuccess got && got.Get(NodeAdvertisement.Key).Entries.Keys.Any(key => key.StartsWith(member + "#", StringComparison.Ordinal)))
            {
                return got.Get(NodeAdvertisement.Key).Entries;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the advertisement of {member} did not reach the rogue within {Timeout.TotalSeconds} s: {read}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Writes <paramref name="forged"/> as the entry <paramref name="key"/> of the <c>farm-nodes</c> map on every member, as any member's replicator can.</summary>
    public async Task WriteAdvertisementAsync(string key, NodeAdvertisement forged)
    {
        var self = Akka.Cluster.Cluster.Get(Actors).SelfUniqueAddress;
        var write = Dsl.Update(NodeAdvertisement.Key, LWWDictionary<string, NodeAdvertisement>.Empty, new WriteAll(TimeSpan.FromSeconds(10)), entries => entries.SetItem(self, key, forged));
        Assert.IsType<UpdateSuccess>(await DistributedData.Get(Actors).Replicator.Ask<IUpdateResponse>(write, Timeout));
    }

    /// <summary>
    /// Writes <paramref name="value"/> under the key <paramref name="key"/> on every member. The value's type has no
    /// serializer binding, so it travels in Akka's JSON serializer inside Distributed Data's own message.
    /// </summary>
    /// <remarks>Waits until the rogue's replicator knows <paramref name="replicas"/> members (itself included): a WriteAll to fewer succeeds at once.</remarks>
    public async Task<IUpdateResponse> WriteJsonValueAsync(string key, List<string> value, int replicas)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while ((await DistributedData.Get(Actors).Replicator.Ask<ReplicaCount>(GetReplicaCount.Instance, Timeout)).N < replicas)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the rogue's replicator did not learn of {replicas} members within {Timeout.TotalSeconds} s");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        var self = Akka.Cluster.Cluster.Get(Actors).SelfUniqueAddress;
        var register = new LWWRegisterKey<List<string>>(key);
        var write = Dsl.Update(register, new LWWRegister<List<string>>(self, []), new WriteAll(TimeSpan.FromSeconds(10)), current => current.WithValue(self, value));
        return await DistributedData.Get(Actors).Replicator.Ask<IUpdateResponse>(write, Timeout);
    }

    /// <summary>The id of the serializer the rogue writes <paramref name="value"/> in.</summary>
    public int SerializerOf(object value) => Actors.Serialization.FindSerializerFor(value).Identifier;

    /// <summary>Sends Akka's cluster Down for <paramref name="victim"/> to the cluster daemon of <paramref name="member"/>, by actor selection.</summary>
    public void SendDown(string member, string victim)
    {
        // ClusterUserAction.Down is internal to Akka.Cluster: what Cluster.Down sends, built as any sender could.
        var type = typeof(Akka.Cluster.Cluster).Assembly.GetType("Akka.Cluster.ClusterUserAction+Down", throwOnError: true)!;
        var down = Activator.CreateInstance(type, Address.Parse(victim))!;
        Actors.ActorSelection($"{member}/system/cluster/core/daemon").Tell(down);
    }

    /// <summary>The id of the serializer the rogue's Down goes out in.</summary>
    public int DownSerializer()
    {
        var type = typeof(Akka.Cluster.Cluster).Assembly.GetType("Akka.Cluster.ClusterUserAction+Down", throwOnError: true)!;
        return Actors.Serialization.FindSerializerForType(type).Identifier;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(stopping.Token);
        }
        finally
        {
            _host.Dispose();
            _directory.Delete(recursive: true);
        }
    }
}
