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
/// Outsider review of issue 17, finding 3: a member checked only its own certificate's role, so a process
/// holding a socks certificate from the farm's CA could join as a lighthouse. Real actor systems over real
/// TLS sockets: a farm member with the peer check, and a joiner with a socks-only certificate whose own
/// build skips the self-check (an attacker's would).
/// </summary>
public sealed class MemberRoleCheckTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly List<ActorSystem> _systems = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Task.WhenAll(_systems.Select(s => s.Terminate()));

    [Fact]
    public async Task SocksCertificate_JoinsAsLighthouse_IsDowned()
    {
        var member = StartMember();
        var impostor = Start(TestCertificates.FarmSocksOnly, "lighthouse", peerCheck: false);
        Akka.Cluster.Cluster.Get(impostor).Join(Address(member));
        var impostorAddress = Address(impostor);

        // A downed member's actor system ends itself (Akka's default on down); one that never joined keeps
        // trying to join and runs on, so the end proves both that it got in and that it was put out.
        var ended = await Task.WhenAny(impostor.WhenTerminated, Task.Delay(Deadline)) == impostor.WhenTerminated;
        var view = string.Join(", ", Akka.Cluster.Cluster.Get(member).State.Members.Select(m => $"{m.Address} {m.Status} [{string.Join(",", m.Roles)}]"));
        Assert.True(ended, $"the member with a socks certificate stayed in the farm as a lighthouse: {view}");
        Assert.True(
            await EventuallyAsync(() => Akka.Cluster.Cluster.Get(member).State.Members.All(m => !m.Address.Equals(impostorAddress) || m.Status is MemberStatus.Down or MemberStatus.Removed)),
            $"the member still counts the impostor in: {view}");
    }

    [Fact]
    public async Task SocksCertificate_JoinsAsSocks_StaysUp()
    {
        var member = StartMember();
        var peer = Start(TestCertificates.FarmSocksOnly, "socks", peerCheck: true);
        Akka.Cluster.Cluster.Get(peer).Join(Address(member));
        var peerAddress = Address(peer);

        Assert.True(await EventuallyAsync(() => Akka.Cluster.Cluster.Get(member).State.Members.Any(m => m.Address.Equals(peerAddress) && m.Status == MemberStatus.Up)), "the socks member never came Up");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Contains(Akka.Cluster.Cluster.Get(member).State.Members, m => m.Address.Equals(peerAddress) && m.Status == MemberStatus.Up);
        Assert.False(peer.WhenTerminated.IsCompleted);
    }

    private ActorSystem StartMember()
    {
        var member = Start(TestCertificates.Farm, "lighthouse", peerCheck: true);
        Akka.Cluster.Cluster.Get(member).Join(Address(member));
        return member;
    }

    private static Address Address(ActorSystem system) => Akka.Cluster.Cluster.Get(system).SelfAddress;

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
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

    private ActorSystem Start(TestCertificateSet set, string role, bool peerCheck)
    {
        var material = ClusterTlsMaterial.Load(new ClusterTlsOptions { Certificate = set.Certificate, Key = set.Key, Ca = set.Ca });
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.cluster.roles = [{{role}}]
            akka.remote.dot-netty.tcp {
              hostname = 127.0.0.1
              port = 0
              enable-ssl = true
            }
            """);
        var presented = new PresentedCertificates();
        var check = new OutboundPeerCheck(new PeerCertificateProbe(material, TimeSpan.FromSeconds(10)), NullLogger<OutboundPeerCheck>.Instance, null);
        if (peerCheck)
        {
            config = FarmClusterHosting.PeerCheckConfig.WithFallback(config);
        }

        var setup = BootstrapSetup.Create().WithConfig(config)
            .And(new DotNettySslSetup(material.Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, FarmCertificateValidator.For(material.Authority, presented)))
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
