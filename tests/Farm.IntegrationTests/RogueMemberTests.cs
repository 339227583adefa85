using Farm.IntegrationTests.Support;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17 item 1: a process that reaches the seed's remoting port must not join the farm. A real node
/// process given the lighthouse as seed, first with no certificate (TLS off), then with a certificate
/// from another CA, stays outside the cluster, and the pass-everything policy it applies reaches no member.
/// </summary>
public sealed class RogueMemberTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private static readonly TimeSpan Attempt = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);

    private const string PassEverything = "client pass from any name anyone\npass any to any name everything\n";

    [Fact]
    public async Task RogueWithoutCertificate_SeedsTheLighthouse_NeverJoinsAndItsPolicyReachesNoMember()
    {
        await AssertStaysOutsideAsync("rogue-plain", new Dictionary<string, string> { ["FARM__CLUSTER__TLS__ENABLED"] = "false" });
    }

    [Fact]
    public async Task RogueWithCertificateOfAnotherCa_SeedsTheLighthouse_NeverJoinsAndItsPolicyReachesNoMember()
    {
        await AssertStaysOutsideAsync("rogue-ca", TestCertificates.Rogue.Environment());
    }

    private async Task AssertStaysOutsideAsync(string name, IReadOnlyDictionary<string, string> tls)
    {
        await Farm.StartAllAsync(FarmPolicies.Block(Server.Endpoint.Port), nodes: 1);
        var version = Farm.Node(1).LatestPolicyVersion();
        await AssertRefusedAsync(1);

        var (rogue, port) = await Farm.StartOutsiderAsync(name, tls, PassEverything);
        var rogueAddress = $"@127.0.0.1:{port}";

        // Watched from its start until 15 s after the lighthouse first refused its TLS handshake (the
        // proof that it dialed the seed); a slow machine may take a while to start the rogue at all.
        var started = Farm.Clock.Elapsed;
        TimeSpan? refused = null;
        var hungUp = false;
        while (refused is null || Farm.Clock.Elapsed - refused < Attempt)
        {
            Assert.True(Farm.Clock.Elapsed - started < StartBound, $"the lighthouse never refused {name}'s TLS handshake within {StartBound.TotalSeconds} s");
            foreach (var member in new[] { FarmHarness.LighthouseName, "node1" })
            {
                var members = await Http.GetAdminAsync($"{Farm.AdminUrl(member)}/cluster/members", FarmHarness.AdminToken);
                Assert.DoesNotContain(rogueAddress, members, StringComparison.Ordinal);
            }

            if (refused is null && Farm.Lighthouse!.HasLine(t => t.Contains("due to TLS handshake failure", StringComparison.Ordinal)))
            {
                refused = Farm.Clock.Elapsed;
            }

            // Still running after a few seconds of trying, it writes its pass-everything policy "to the farm"
            // the way a member does: its file and SIGHUP. (A rogue that refuses the farm's certificate in
            // turn is stopped by Akka at once.)
            if (!hungUp && refused is { } at && Farm.Clock.Elapsed - at > TimeSpan.FromSeconds(3) && !rogue.HasExited)
            {
                rogue.Hangup();
                hungUp = true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(version, Farm.Node(1).LatestPolicyVersion());
        await AssertRefusedAsync(1);
        foreach (var member in new[] { Farm.Lighthouse!, Farm.Node(1) })
        {
            Assert.False(member.HasLine(t => t.Contains(rogueAddress, StringComparison.Ordinal) && t.Contains("member ", StringComparison.Ordinal)), $"{member.Name} logged {name} as a member");
        }
    }
}
