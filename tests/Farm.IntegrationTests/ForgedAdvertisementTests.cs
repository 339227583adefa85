using System.Net;
using System.Security.Cryptography.X509Certificates;
using Farm.IntegrationTests.Rogues;
using Farm.IntegrationTests.Support;
using Farm.Shared.Discovery;
using Farm.Shared.Discovery.Signing;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17, outsider review finding att17c F4: a member holding a farm certificate for role <c>socks</c> at
/// 127.0.0.77 joins by the rules, then rewrites node1's advertisement through Distributed Data to point at its own
/// listener (signed with its own key), and advertises itself at an address its certificate does not name. The
/// lighthouse's PAC file and a real DNS query keep giving node1's real endpoint only, and it counts both entries.
/// </summary>
public sealed class ForgedAdvertisementTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string FarmName = "socks.farm.test";

    private static readonly IPAddress RogueHost = IPAddress.Parse("127.0.0.77");

    // An address the rogue's certificate does not name.
    private static readonly IPAddress UnnamedHost = IPAddress.Parse("127.0.0.88");

    [Fact]
    public async Task SocksMember_RewritesNode1sAdvertisementAndAdvertisesAnUnnamedAddress_PacAndDnsKeepNode1Only()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port), nodes: 1);
        var node1 = $"SOCKS5 {Farm.SocksProxy(1)}";
        await WaitUntilAsync("node1 in the PAC file and DNS", async () => (await PacListAsync()).Contains(node1) && (await DigAsync()).Contains(Farm.SocksAddress(1)));

        await using var hijack = RogueSocksListener.Start(RogueHost, TestPorts.Next());
        await using var unnamed = RogueSocksListener.Start(UnnamedHost, TestPorts.Next());
        var certificate = TestCertificates.FarmFor("rogue-socks-77", [RogueHost.ToString()], "socks");
        await using var rogue = await RogueClusterMember.JoinAsync(Farm.LighthouseAddress, certificate, hostname: RogueHost.ToString());
        using var rogueKey = X509Certificate2.CreateFromPemFile(certificate.Certificate, certificate.Key);

        var entries = await rogue.ReadAdvertisementsAsync(Farm.ClusterAddress(1));
        var (node1Key, real) = entries.Single(entry => entry.Key.StartsWith(Farm.ClusterAddress(1) + "#", StringComparison.Ordinal));
        var redirected = real with { Socks = [hijack.Endpoint], Certificate = [], Signature = [] };
        await rogue.WriteAdvertisementAsync(node1Key, AdvertisementSignature.Sign(redirected, node1Key, rogueKey));
        var own = new NodeAdvertisement("rogue", "socks", [unnamed.Endpoint], Metrics: null, Draining: false);
        await rogue.WriteAdvertisementAsync(rogue.EntryKey, AdvertisementSignature.Sign(own, rogue.EntryKey, rogueKey));

        // Until the lighthouse has counted both forged entries, and for a few rounds after, no client is sent to the rogue.
        var forged = new[] { hijack.Endpoint.ToString(), unnamed.Endpoint.ToString() };
        var counted = false;
        var after = 0;
        var deadline = Farm.Clock.Elapsed + Converge;
        while (after < 4)
        {
            Assert.True(Farm.Clock.Elapsed < deadline, "the lighthouse did not count both forged advertisements (farm_advertisements_untrusted_total reason member and address)");
            var pac = await PacListAsync();
            var dns = await DigAsync();
            Assert.True(pac.SequenceEqual([node1]), $"the PAC file lists {string.Join("; ", pac)}, not only node1 ({node1})");
            Assert.True(dns.SequenceEqual([Farm.SocksAddress(1)]), $"{FarmName} resolves to {string.Join(", ", dns)}, not only node1 ({Farm.SocksAddress(1)})");
            Assert.DoesNotContain(pac, proxy => forged.Any(proxy.Contains));
            var metrics = await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/metrics");
            counted = counted || (MetricsText.Value(metrics, "farm_advertisements_untrusted_total", "reason=\"member\"") >= 1
                && MetricsText.Value(metrics, "farm_advertisements_untrusted_total", "reason=\"address\"") >= 1);
            after += counted ? 1 : 0;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Assert.True(Farm.Lighthouse!.HasLine(t => t.Contains("does not name the member it is stored under", StringComparison.Ordinal)), "the lighthouse did not log why node1's forged entry is ignored");
        Assert.True(Farm.Lighthouse!.HasLine(t => t.Contains($"it advertises {unnamed.Endpoint}, which its certificate", StringComparison.Ordinal)), "the lighthouse did not log why the rogue's own entry is ignored");
        Assert.True(Farm.Node(1).HasLine(t => t.Contains("advertisement was changed or removed by another member", StringComparison.Ordinal)), "node1 did not notice its advertisement was overwritten");
    }

    /// <summary>
    /// Outsider review finding att17d F2: the rogue advertises itself, correctly signed and at an address its certificate
    /// names, under node1's name. node1 stays in the pool (DNS and PAC) and keeps <c>&lt;name&gt;.nodes</c>: the rogue
    /// joined later and its certificate does not carry the name; the lighthouse logs and counts the collision.
    /// </summary>
    [Fact]
    public async Task SocksMember_AdvertisesNode1sName_Node1StaysInThePoolAndKeepsItsName()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port), nodes: 1);
        var node1 = $"SOCKS5 {Farm.SocksProxy(1)}";
        await WaitUntilAsync("node1 in the PAC file and DNS", async () => (await PacListAsync()).Contains(node1) && (await DigAsync()).Contains(Farm.SocksAddress(1)));

        await using var listener = RogueSocksListener.Start(RogueHost, TestPorts.Next());
        var certificate = TestCertificates.FarmFor("rogue-socks-77", [RogueHost.ToString()], "socks");
        await using var rogue = await RogueClusterMember.JoinAsync(Farm.LighthouseAddress, certificate, hostname: RogueHost.ToString());
        using var rogueKey = X509Certificate2.CreateFromPemFile(certificate.Certificate, certificate.Key);

        var entries = await rogue.ReadAdvertisementsAsync(Farm.ClusterAddress(1));
        var name = entries.Single(entry => entry.Key.StartsWith(Farm.ClusterAddress(1) + "#", StringComparison.Ordinal)).Value.Name;
        var perName = $"{name}.nodes.farm.test";
        var node1Addresses = await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, perName, "A");
        Assert.Contains(Farm.SocksAddress(1), node1Addresses);

        var claim = new NodeAdvertisement(name, "socks", [listener.Endpoint], Metrics: null, Draining: false);
        await rogue.WriteAdvertisementAsync(rogue.EntryKey, AdvertisementSignature.Sign(claim, rogue.EntryKey, rogueKey));

        var counted = false;
        var after = 0;
        var deadline = Farm.Clock.Elapsed + Converge;
        while (after < 4)
        {
            Assert.True(Farm.Clock.Elapsed < deadline, "the lighthouse did not count the name collision (farm_advertisements_name_collisions_total)");
            var pac = await PacListAsync();
            var dns = await DigAsync();
            var named = await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, perName, "A");
            Assert.True(pac.Contains(node1), $"the PAC file lists {string.Join("; ", pac)}, without node1 ({node1})");
            Assert.True(dns.Contains(Farm.SocksAddress(1)), $"{FarmName} resolves to {string.Join(", ", dns)}, without node1 ({Farm.SocksAddress(1)})");
            Assert.True(named.Order().SequenceEqual(node1Addresses.Order()), $"{perName} resolves to {string.Join(", ", named)}, not node1's {string.Join(", ", node1Addresses)}");
            var metrics = await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/metrics");
            counted = counted || MetricsText.Value(metrics, "farm_advertisements_name_collisions_total") >= 1;
            after += counted ? 1 : 0;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Assert.True(Farm.Lighthouse!.HasLine(t => t.Contains($"advertises the name '{name}', which another member owns", StringComparison.Ordinal)), "the lighthouse did not log the name collision");
    }

    private Task<string[]> DigAsync() => Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A");

    /// <summary>The proxies the PAC file returns, in its order.</summary>
    private async Task<string[]> PacListAsync()
    {
        var pac = await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/proxy.pac");
        var quoted = pac[(pac.IndexOf('"', StringComparison.Ordinal) + 1)..pac.LastIndexOf('"')];
        return quoted.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task WaitUntilAsync(string what, Func<Task<bool>> done)
    {
        var deadline = Farm.Clock.Elapsed + Converge;
        while (!await done())
        {
            Assert.True(Farm.Clock.Elapsed < deadline, $"no {what} within {Converge.TotalSeconds} s");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
