using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Farm.Shared.Cluster.Tls;
using Farm.Tests.Shared;

namespace Farm.Shared.Tests.Cluster;

/// <summary>
/// Issue 17: Akka remoting between real actor systems over real sockets with the farm's TLS. A member
/// accepts a peer only with a certificate from the farm's CA, whichever side dials. The rogue here
/// accepts any certificate, as an attacker's build would, so only the farm member's check can refuse it.
/// </summary>
public sealed class MutualTlsTransportTests : IAsyncLifetime
{
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(5);

    private readonly List<ActorSystem> _systems = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Task.WhenAll(_systems.Select(s => s.Terminate()));

    [Fact]
    public async Task FarmPeer_EitherSideDials_Associates()
    {
        var member = Start(TestCertificates.Farm, FarmCertificateValidator.For(Authority(TestCertificates.Farm)));
        var peer = Start(TestCertificates.Farm, FarmCertificateValidator.For(Authority(TestCertificates.Farm)));

        Assert.True(await ReachesAsync(peer, member));
        Assert.True(await ReachesAsync(member, peer));
    }

    [Fact]
    public async Task PeerFromAnotherCa_DialsMember_IsRefused()
    {
        var member = Start(TestCertificates.Farm, FarmCertificateValidator.For(Authority(TestCertificates.Farm)));
        var rogue = Start(TestCertificates.Rogue, AcceptAnything);

        Assert.False(await ReachesAsync(rogue, member));
    }

    [Fact]
    public async Task PeerFromAnotherCa_DialedByMember_IsRefused()
    {
        var member = Start(TestCertificates.Farm, FarmCertificateValidator.For(Authority(TestCertificates.Farm)));
        var rogue = Start(TestCertificates.Rogue, AcceptAnything);

        // Akka 1.5.73 also stops a system whose outbound TLS handshake fails: the member fails closed.
        Assert.False(await ReachesAsync(member, rogue));
    }

    [Fact]
    public void ChainsTo_CertificateOfAnotherCa_False()
    {
        using var rogue = X509CertificateLoader.LoadCertificateFromFile(TestCertificates.Rogue.Certificate);
        using var farm = X509CertificateLoader.LoadCertificateFromFile(TestCertificates.Farm.Certificate);

        Assert.False(FarmCertificateValidator.ChainsTo(rogue, Authority(TestCertificates.Farm)));
        Assert.True(FarmCertificateValidator.ChainsTo(farm, Authority(TestCertificates.Farm)));
    }

    private static bool AcceptAnything(X509Certificate2? certificate, X509Chain? chain, string peer, System.Net.Security.SslPolicyErrors errors, Akka.Event.ILoggingAdapter log) => true;

    private static X509Certificate2 Authority(TestCertificateSet set) => X509CertificateLoader.LoadCertificateFromFile(set.Ca);

    /// <summary>Whether <paramref name="from"/> gets an answer from an actor on <paramref name="to"/>.</summary>
    private static async Task<bool> ReachesAsync(ActorSystem from, ActorSystem to)
    {
        var address = ((ExtendedActorSystem)to).Provider.DefaultAddress;
        try
        {
            var identity = await from.ActorSelection($"{address}/user/echo").Ask<ActorIdentity>(new Identify("probe"), Reply);
            return identity.Subject is not null;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }

    private ActorSystem Start(TestCertificateSet set, CertificateValidationCallback validator)
    {
        var material = ClusterTlsMaterial.Load(new ClusterTlsOptions { Certificate = set.Certificate, Key = set.Key, Ca = set.Ca });
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp {
              hostname = 127.0.0.1
              port = 0
              enable-ssl = true
            }
            akka.remote.retry-gate-closed-for = 200ms
            """);
        var setup = BootstrapSetup.Create().WithConfig(config)
            .And(new DotNettySslSetup(material.Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, validator));
        var system = ActorSystem.Create("farm", setup);
        _systems.Add(system);
        system.ActorOf(Props.Create(() => new EchoActor()), "echo");
        return system;
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(message => Sender.Tell(message));
    }
}
