using System.Net;
using System.Text.Json;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Proxying;

/// <summary>
/// A node behind Debian's HAProxy (TCP mode, <c>send-proxy</c> and <c>send-proxy-v2</c>) on a PROXY listener:
/// curl from one loopback address is served and recorded under its own address, curl from another is refused
/// by the client rule for that address, though HAProxy's own address would pass. Connections that reach the
/// PROXY listener from an untrusted address, or without a header, are closed with one record.
/// </summary>
public sealed class HaproxyInFrontTests
{
    private static readonly IPAddress Original = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Refused = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress Untrusted = IPAddress.Parse("127.0.0.5");

    [Fact]
    public async Task SendProxyV1AndV2_ClientRulesAndRecordsSeeTheOriginalClient_BadConnectionsClosedWithOneRecord()
    {
        await using var http = new LoopbackHttpServer();
        await using var node = await FarmNodeHost.StartAsync(
            $"""
            client pass  from {Original} name original
            client pass  from 127.0.0.1 name proxy-itself
            client block from any name elsewhere
            pass connect from {Original} to 127.0.0.1 port {http.Endpoint.Port} name web
            pass connect from 127.0.0.1 to 127.0.0.1 port {http.Endpoint.Port} name proxy-check
            """,
            new Dictionary<string, string?>
            {
                // The plain form and the entry with options, side by side.
                ["Farm:Socks:Listeners:1:Endpoint"] = "127.0.0.1:0",
                ["Farm:Socks:Listeners:1:ProxyProtocol"] = "true",
                ["Farm:Socks:Listeners:1:TrustedProxies:0"] = "127.0.0.1/32",
                // Loopback is one source: every refusal here gets its own record, none only a summary.
                ["Farm:SessionLog:RefusalsPerSourcePerSecond"] = "1000",
            });
        var proxied = node.Services.GetListenerEndpoints()[1];
        var (v1, v2) = (TestPorts.Next(), TestPorts.Next());
        await using var haproxy = await HaproxyProcess.StartAsync(
            $"""
            global
              maxconn 64
            defaults
              mode tcp
              timeout connect 10s
              timeout client 30s
              timeout server 30s
            listen v1
              bind 127.0.0.1:{v1}
              server node {proxied} send-proxy
            listen v2
              bind 127.0.0.1:{v2}
              server node {proxied} send-proxy-v2
            """,
            v1,
            v2);

        foreach (var port in new[] { v1, v2 })
        {
            var served = await Curl.GetAsync(http.Url(20_000), "--interface", Original.ToString(), "--socks5", $"127.0.0.1:{port}");
            Assert.True(served.ExitCode == 0, $"through haproxy port {port}: {served.Error}");
            Assert.Equal(20_000, served.Body.Length);
            var refused = await Curl.GetAsync(http.Url(10), "--interface", Refused.ToString(), "--socks5", $"127.0.0.1:{port}");
            Assert.NotEqual(0, refused.ExitCode);
        }

        using (var stranger = await RawClient.ConnectAsync(proxied, Untrusted))
        {
            await stranger.SendAsync("PROXY TCP4 127.0.0.2 127.0.0.1 1 2\r\n"u8.ToArray());
            Assert.Empty(await stranger.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(20)));
        }

        using (var headless = await RawClient.ConnectAsync(proxied, IPAddress.Loopback))
        {
            await headless.SendAsync(0x05, 0x01, 0x00);
            Assert.Empty(await headless.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(20)));
        }

        // A v2 LOCAL header (what a health check sends): the proxy speaks for itself, and is served as itself.
        using (var check = await RawClient.ConnectAsync(proxied, IPAddress.Loopback))
        {
            await check.SendAsync([0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00]);
            Assert.Equal(new byte[] { 0x05, 0x00 }, await check.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(20)));
        }

        var listener = proxied.ToString();
        var records = await RecordsAsync(node, all =>
            all.Count(r => Equals(Client(r), Original) && Outcome(r) == "completed") >= 2
            && all.Count(r => Equals(Client(r), Refused)) >= 2
            && all.Any(r => Outcome(r) == "proxy-untrusted")
            && all.Any(r => Outcome(r) == "proxy-header-missing")
            && all.Any(r => Equals(Client(r), IPAddress.Loopback) && Outcome(r) == "client-closed"));
        Assert.Equal(2, records.Count(r => Equals(Client(r), Original) && Outcome(r) == "completed" && r.GetProperty("rule").GetString() == "web" && r.GetProperty("listener").GetString() == listener));
        Assert.Equal(2, records.Count(r => Equals(Client(r), Refused) && Outcome(r) == "client-refused" && r.GetProperty("rule").GetString() == "elsewhere" && r.GetProperty("kind").GetString() == "client"));
        Assert.Single(records, r => Equals(Client(r), Untrusted) && Outcome(r) == "proxy-untrusted" && r.GetProperty("kind").GetString() == "client");
        Assert.Single(records, r => Equals(Client(r), IPAddress.Loopback) && Outcome(r) == "proxy-header-missing");
        Assert.Contains(records, r => Equals(Client(r), IPAddress.Loopback) && Outcome(r) == "client-closed");
    }

    private static IPAddress? Client(JsonElement record) =>
        IPEndPoint.TryParse(record.GetProperty("client").GetString()!, out var client) ? client.Address : null;

    private static string? Outcome(JsonElement record) => record.GetProperty("outcome").GetString();

    /// <summary>The records once <paramref name="complete"/> holds for them (each session ends on its own), or at a generous deadline.</summary>
    private static async Task<IReadOnlyList<JsonElement>> RecordsAsync(FarmNodeHost node, Func<IReadOnlyList<JsonElement>, bool> complete)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var records = await node.SessionRecordsAsync(1);
            if (complete(records) || DateTime.UtcNow > deadline)
            {
                return records;
            }

            await Task.Delay(100);
        }
    }
}
