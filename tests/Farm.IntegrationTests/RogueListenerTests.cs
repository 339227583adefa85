using System.Security.Cryptography.X509Certificates;
using Farm.IntegrationTests.Support;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Outsider review of issue 17, finding 1: two members die and local processes take their remoting
/// addresses, one answering TLS with a certificate from another CA, one answering plain garbage. The
/// members still in the farm keep dialing those addresses (Akka re-associates with the dead members);
/// every failed dial must stay a failed association. Akka 1.5.73 shuts a member down (exit code 79) on
/// an outbound TLS handshake failure, so without Farm's outbound peer check these rogues ended the farm.
/// </summary>
public sealed class RogueListenerTests(ITestOutputHelper output) : ClusterTestBase(output, lighthouses: 2)
{
    /// <summary>Several of Akka's re-association attempts (gated 5 s apart) and the downing of the dead members.</summary>
    private static readonly TimeSpan Watch = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task RogueListenersOnDeadMembersAddresses_EveryRemainingMemberStaysUpAndServes()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        await AssertAllowedAsync(1);
        // Two lighthouses and three nodes: with two nodes dead the three survivors stay the majority whatever
        // the addresses' order (of four members, the split-brain resolver could down the living half).
        var survivors = new[] { Farm.Lighthouse!, Farm.Lighthouses[2]!, Farm.Node(1) };
        var pids = survivors.Select(m => m.Pid).ToArray();

        Farm.Node(2).KillHard();
        Farm.Node(3).KillHard();
        await using var tls = await RogueListener.StartAsync(Farm.RemotingPort(2), RogueCertificate(), TimeSpan.FromSeconds(10));
        await using var plain = await RogueListener.StartAsync(Farm.RemotingPort(3), certificate: null, TimeSpan.FromSeconds(10));
        var started = Farm.Clock.Elapsed;

        while (Farm.Clock.Elapsed - started < Watch)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            AssertStillRunning(survivors, pids);
        }

        Output.WriteLine($"connections the members made: TLS rogue {tls.Accepted}, plain rogue {plain.Accepted}");

        // The members did dial the rogues (the attack happened), and nothing of it ended them.
        Assert.True(tls.Accepted > 0, "no member dialed the TLS rogue: the test proves nothing");
        Assert.True(plain.Accepted > 0, "no member dialed the plain rogue: the test proves nothing");
        AssertStillRunning(survivors, pids);

        // Farm's peer check turned each dial away, said so once per address, and counted it.
        foreach (var port in new[] { Farm.RemotingPort(2), Farm.RemotingPort(3) })
        {
            Assert.True(survivors.Any(m => m.HasLine(t => t.Contains($"not dialing 127.0.0.1:{port}:", StringComparison.Ordinal))), $"no member logged that it refused the rogue on port {port}");
        }

        var refused = survivors.Sum(m => m.CountLines(t => t.Contains("OutboundPeerCheck", StringComparison.Ordinal) && t.Contains("cluster TLS: not dialing", StringComparison.Ordinal)));
        Assert.True(refused <= 4 * survivors.Length, $"the refusals were logged {refused} times, not once per address and reason");
        var counted = 0.0;
        foreach (var member in survivors)
        {
            counted += MetricsText.Value(await Http.GetAsync($"{Farm.TelemetryUrl(member.Name)}/metrics"), "farm_cluster_peers_refused_total") ?? 0;
        }

        Assert.True(counted >= 1, "farm_cluster_peers_refused_total counted no refusal");
        foreach (var member in survivors)
        {
            Assert.Equal("live\n", await Http.GetAsync($"{Farm.TelemetryUrl(member.Name)}/healthz/live"));
            Assert.False(member.HasLine(IsAkkaShutdown), $"{member.Name} began Akka's shutdown: {member.FirstLine(IsAkkaShutdown)}");
        }

        await AssertAllowedAsync(1);
    }

    private static void AssertStillRunning(MemberProcess[] members, int[] pids)
    {
        for (var i = 0; i < members.Length; i++)
        {
            Assert.False(members[i].HasExited, $"{members[i].Name} (pid {pids[i]}) exited with {(members[i].HasExited ? members[i].ExitCode : 0)}; first shutdown line: {members[i].FirstLine(IsAkkaShutdown)}; last lines:{Environment.NewLine}{members[i].Tail(20)}");
            Assert.Equal(pids[i], members[i].Pid);
        }
    }

    // Akka logs an outbound handshake failure from its client handler, then runs CoordinatedShutdown.
    private static bool IsAkkaShutdown(string line) =>
        (line.Contains("TLS handshake failed", StringComparison.Ordinal) && line.Contains("TcpClientHandler", StringComparison.Ordinal))
        || line.Contains("CoordinatedShutdown", StringComparison.Ordinal)
        || line.Contains("TLS handshake failed on outbound", StringComparison.Ordinal);

    // The peer check's own dials must look like a member's to the member dialed, never like an attack.
    private static X509Certificate2 RogueCertificate()
    {
        using var pem = X509Certificate2.CreateFromPemFile(TestCertificates.Rogue.Certificate, TestCertificates.Rogue.Key);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }
}
