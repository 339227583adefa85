using Farm.IntegrationTests.Support;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17 review, item 1: a node started alone (no seeds, no certificates: the README's run command)
/// must let no process join its cluster, since a member writes the farm policy by replication, around
/// the admin token. A real rogue node process told the standalone node as its seed, first in clear,
/// then with a certificate from a CA (the test farm's), never becomes a member and its pass-everything
/// policy never reaches the node.
/// </summary>
public sealed class StandaloneNodeTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private static readonly TimeSpan BeforeHangup = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan AfterHangup = TimeSpan.FromSeconds(8);

    private const string PassEverything = "client pass from any name anyone\npass any to any name everything\n";

    [Fact]
    public async Task RogueInClear_SeedsAStandaloneNode_NeverJoinsAndItsPolicyNeverReachesIt()
    {
        await AssertStaysOutsideAsync("rogue-plain", new Dictionary<string, string> { ["FARM__CLUSTER__TLS__ENABLED"] = "false" }, "akka.tcp");
    }

    [Fact]
    public async Task RogueWithACertificate_SeedsAStandaloneNode_NeverJoinsAndItsPolicyNeverReachesIt()
    {
        await AssertStaysOutsideAsync("rogue-ca", TestCertificates.Farm.Environment(), "akka.ssl.tcp");
    }

    private async Task AssertStaysOutsideAsync(string name, IReadOnlyDictionary<string, string> tls, string scheme)
    {
        var node = await Farm.StartStandaloneNodeAsync(1, FarmPolicies.Block(Server.Endpoint.Port));
        var version = node.LatestPolicyVersion();
        await AssertRefusedAsync(1);

        var (rogue, port) = await Farm.StartOutsiderAsync(name, tls, PassEverything, $"{scheme}://farm@127.0.0.1:{Farm.RemotingPort(1)}");
        var rogueAddress = $"@127.0.0.1:{port}";

        // The rogue has 10 s to dial and join (in clear it joined within 3 s before the fix), then writes
        // its pass-everything policy "to the farm" the way a member does: its file and SIGHUP.
        var started = Farm.Clock.Elapsed;
        var hungUp = false;
        while (Farm.Clock.Elapsed - started < BeforeHangup + AfterHangup)
        {
            var members = await Http.GetAdminAsync($"{Farm.AdminUrl("node1")}/cluster/members", FarmHarness.AdminToken);
            Assert.DoesNotContain(rogueAddress, members, StringComparison.Ordinal);
            Assert.Equal(version, node.LatestPolicyVersion());
            if (!hungUp && Farm.Clock.Elapsed - started > BeforeHangup && !rogue.HasExited)
            {
                rogue.Hangup();
                hungUp = true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.False(node.HasExited, "the standalone node exited");
        Assert.Equal(version, node.LatestPolicyVersion());
        await AssertRefusedAsync(1);
        Assert.False(node.HasLine(t => t.Contains(rogueAddress, StringComparison.Ordinal) && t.Contains("member ", StringComparison.Ordinal)), $"node1 logged {name} as a member");
    }
}
