using System.Globalization;
using System.Net;
using System.Text;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Outsider review of issue 16 (att16c), with the system resolver (no <c>Farm:Resolver:Servers</c>) pointed, in the
/// node's own mount namespace, at a DNS server that never answers: getaddrinfo then runs 30 s and nothing stops it.
/// A lookup keeps its source's place until its lookup really ends, not only until the request's connect timeout, so
/// no more lookups run than places whatever the runtime does with a cancelled getaddrinfo (on .NET 10 with glibc this
/// bound held before the change too: the first test passed on the old code, see the change's note); and an upstream
/// proxy's name takes a place of the client's source (before, it was resolved outside the places, and the second
/// test's routed request got no reply within 15 s).
/// </summary>
public sealed class SystemResolverPlacesTests
{
    private const int Flood = 40;

    // One source's share of the node's 16 lookup places.
    private const int SourceShare = 8;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    // The flood spans 40 x 0.3 s = 12 s: six connect timeouts.
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task LookupsTimedOutWhileGetaddrinfoRuns_KeepTheirPlaces_NoMoreRunThanTheSourcesShare()
    {
        await using var dns = SilentDns();
        var flood = new List<RawClient>();
        try
        {
            await using var node = await StartAsync(dns, "pass connect to *.silent.test name silent");
            // A steady stream over several connect timeouts, well within getaddrinfo's 30 s: each lookup started
            // is still running at the end, and a place given back at a timeout would have gone to a newer request.
            for (var i = 0; i < Flood; i++)
            {
                flood.Add(await RequestAsync(node.Endpoint, $"n{i}.silent.test", 443));
                await Task.Delay(Spacing);
            }

            Assert.True(dns.Names <= SourceShare, $"{dns.Names} lookups ran at once for one source; its share is {SourceShare}");
            Assert.True(dns.Names >= 1, "no lookup reached the DNS server");

            // The requests themselves ended at their connect timeout all the same.
            var reply = await flood[0].ReceiveExactlyAsync(2, TimeSpan.FromSeconds(15));
            Assert.NotEqual(0x00, reply[1]);
        }
        finally
        {
            flood.ForEach(client => client.Dispose());
        }
    }

    [Fact]
    public async Task UpstreamProxysName_IsLookedUpWithinTheClientsPlaces()
    {
        await using var dns = SilentDns();
        var flood = new List<RawClient>();
        try
        {
            await using var node = await StartAsync(dns, """
                pass connect to *.silent.test name silent
                pass connect to *.partner.test name partner
                route to *.partner.test via socks5 proxy.upstream.test:1080
                """);

            // The source's share of the lookup places is held by lookups that never end in time.
            for (var i = 0; i < SourceShare; i++)
            {
                flood.Add(await RequestAsync(node.Endpoint, $"n{i}.silent.test", 443));
            }

            await WaitForAsync(() => dns.Names >= SourceShare, $"{SourceShare} lookups at the DNS server");

            // Its request through the upstream needs a place for the upstream's name: none is free to it in time.
            using var routed = await RequestAsync(node.Endpoint, "www.partner.test", 80);
            var reply = await routed.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(15));
            Assert.Equal(0x04, reply[1]);
            Assert.Equal(0, dns.QueriesFor("proxy.upstream.test"));
            await WaitForAsync(() => node.SessionRecords().Any(r => r.GetProperty("outcome").GetString() == "no-lookup-place"), "a no-lookup-place record");
        }
        finally
        {
            flood.ForEach(client => client.Dispose());
        }
    }

    /// <summary>A DNS server on port 53 of a loopback address of its own that counts queries and answers none.</summary>
    private static CountingDnsServer SilentDns() =>
        new([IPAddress.Loopback], _ => null, new IPEndPoint(IPAddress.Parse($"127.53.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}"), 53));

    /// <summary>A node whose system resolver asks <paramref name="dns"/> only; its policy file is gone once it has read it.</summary>
    private static async Task<ExternalNodeProcess> StartAsync(CountingDnsServer dns, string rules)
    {
        var policy = Path.Combine(Path.GetTempPath(), $"farm-resolver-places-{Guid.NewGuid():N}.farm");
        File.WriteAllText(policy, $"""
            client pass from 127.0.0.0/8
            {rules}
            """);
        try
        {
            return await ExternalNodeProcess.StartAsync(
                "127.0.0.1:0",
                new Dictionary<string, string>
                {
                    ["FARM__POLICY__FILE"] = policy,
                    ["FARM__SOCKS__CONNECTTIMEOUT"] = ConnectTimeout.ToString(),
                    ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = "1000",
                    ["FARM__SOCKS__MAXPENDINGHANDSHAKESPERSOURCE"] = "1000",
                },
                resolvConf: string.Create(CultureInfo.InvariantCulture, $"nameserver {dns.Endpoint.Address}\noptions timeout:30 attempts:1\n"));
        }
        finally
        {
            File.Delete(policy);
        }
    }

    /// <summary>A connection from 127.0.0.1 whose SOCKS5 CONNECT to <paramref name="name"/> waits for its reply.</summary>
    private static async Task<RawClient> RequestAsync(IPEndPoint node, string name, int port)
    {
        var client = await RawClient.ConnectAsync(node);
        try
        {
            await client.SendAsync(0x05, 0x01, 0x00);
            Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(10)));
            await client.SendAsync([0x05, 0x01, 0x00, 0x03, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), (byte)(port >> 8), (byte)port]);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        for (var waited = 0; waited < 150; waited++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no {what} within 30 s");
    }
}
