using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Farm.Shared.Cluster;
using Farm.Shared.Cluster.Tls;
using Farm.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Farm.Shared.Tests.Cluster;

/// <summary>
/// Outsider review of issue 17, findings 1 and 2: a member certificate did not bind the member's address.
/// Real actor systems over real TLS sockets on distinct loopback addresses: farm members with the peer
/// checks, and joiners whose own build skips every check (an attacker's would).
/// </summary>
public sealed class MemberAddressBindingTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private readonly List<ActorSystem> _systems = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Task.WhenAll(_systems.Select(s => s.Terminate()));

    [Fact]
    public async Task ImpostorClaimingTheSeedsAddress_IsRefused_AndTheSeedStaysUp()
    {
        var seed = Start(TestCertificates.Farm, "lighthouse", "127.0.0.1", null, 0, peerCheck: true);
        Akka.Cluster.Cluster.Get(seed).Join(Address(seed));
        var member = Start(TestCertificates.Farm, "socks", "127.0.0.2", null, 0, peerCheck: true);
        Akka.Cluster.Cluster.Get(member).Join(Address(seed));
        var seedAddress = Akka.Cluster.Cluster.Get(seed).SelfUniqueAddress;
        Assert.True(await EventuallyAsync(() => Akka.Cluster.Cluster.Get(member).State.Members.Count(m => m.Status == MemberStatus.Up) == 2, Deadline), "the farm of two never came Up");

        // A farm certificate for 127.0.0.7 only, listening there on the seed's port and advertising the seed's address.
        var impostorCertificate = TestCertificates.FarmFor("impostor", ["127.0.0.7"], "socks");
        var impostor = Start(impostorCertificate, "socks", "127.0.0.7", "127.0.0.1", seedAddress.Address.Port!.Value, peerCheck: false);
        Akka.Cluster.Cluster.Get(impostor).Join(Address(member));

        // Akka takes a join from a known address with a new uid as the member's restart and downs the one
        // running: the seed would end within seconds. Watched for well past the impostor's first join tries.
        var replaced = await EventuallyAsync(
            () => seed.WhenTerminated.IsCompleted || Akka.Cluster.Cluster.Get(member).State.Members.Any(m => m.Address.Equals(seedAddress.Address) && !m.UniqueAddress.Equals(seedAddress)),
            TimeSpan.FromSeconds(20));
        var view = string.Join(", ", Akka.Cluster.Cluster.Get(member).State.Members.Select(m => $"{m.UniqueAddress} {m.Status}"));
        Assert.False(replaced, $"the impostor took the seed's place: seed ended {seed.WhenTerminated.IsCompleted}; the member sees {view}");
        Assert.Contains(Akka.Cluster.Cluster.Get(member).State.Members, m => m.UniqueAddress.Equals(seedAddress) && m.Status == MemberStatus.Up);
    }

    [Fact]
    public async Task MemberAdvertisingAnAddressNobodyListensOn_IsDowned()
    {
        var seed = Start(TestCertificates.Farm, "lighthouse", "127.0.0.1", null, 0, peerCheck: true);
        Akka.Cluster.Cluster.Get(seed).Join(Address(seed));

        // Its certificate names 127.0.0.9, where it never listens: the seed answers it over its own connection.
        var ghost = Start(TestCertificates.Farm, "lighthouse", "127.0.0.1", "127.0.0.9", 0, peerCheck: false);
        var ghostAddress = Address(ghost);
        Akka.Cluster.Cluster.Get(ghost).Join(Address(seed));
        Assert.True(
            await EventuallyAsync(() => Akka.Cluster.Cluster.Get(seed).State.Members.Any(m => m.Address.Equals(ghostAddress)), Deadline),
            "the member advertising an unreachable address never joined, so the test shows nothing");

        // Downed after MemberRoleCheckActor.CertificateDeadline of dials that find nobody; its system then ends.
        var ended = await Task.WhenAny(ghost.WhenTerminated, Task.Delay(Deadline)) == ghost.WhenTerminated;
        var view = string.Join(", ", Akka.Cluster.Cluster.Get(seed).State.Members.Select(m => $"{m.Address} {m.Status} [{string.Join(",", m.Roles)}]"));
        Assert.True(ended, $"the member whose address shows no certificate stayed in the farm: {view}");
    }

    private static Address Address(ActorSystem system) => Akka.Cluster.Cluster.Get(system).SelfAddress;

    private static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition();
    }

    private ActorSystem Start(TestCertificateSet set, string role, string host, string? publicHost, int port, bool peerCheck)
    {
        var material = ClusterTlsMaterial.Load(new ClusterTlsOptions { Certificate = set.Certificate, Key = set.Key, Ca = set.Ca });
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.cluster.roles = [{{role}}]
            akka.remote.dot-netty.tcp {
              hostname = {{host}}
              {{(publicHost is null ? string.Empty : $"public-hostname = {publicHost}")}}
              port = {{port.ToString(CultureInfo.InvariantCulture)}}
              enable-ssl = true
              tcp-reuse-addr = off
            }
            """);
        var presented = new PresentedCertificates();
        var check = new OutboundPeerCheck(new PeerCertificateProbe(material, TimeSpan.FromSeconds(10)), NullLogger<OutboundPeerCheck>.Instance, null);
        if (peerCheck)
        {
            config = FarmClusterHosting.PeerCheckConfig.WithFallback(config);
        }

        var setup = BootstrapSetup.Create().WithConfig(config)
            .And(new DotNettySslSetup(material.Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, FarmCertificateValidator.For(material.Authority, peerCheck ? presented : null)))
            .And(new PeerCheckSetup(check, presented));
        var system = ActorSystem.Create("farm", setup);
        _systems.Add(system);
        if (peerCheck)
        {
            system.ActorOf(MemberRoleCheckActor.Props(check), "member-role-check");
        }

        return system;
    }
}
