using System.Net;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>
/// Issue 16 item 11: a node whose durable store holds a farm policy it cannot read must not fall back
/// to its permissive local file, nor seed that file to the farm; a peer with the policy heals it.
/// </summary>
public sealed class DamagedStoreTests
{
    private const string DamagedLine = "is damaged";

    [Fact]
    public async Task TruncatedStore_Restart_RefusesWhatLocalFilePasses_UntilPeerHealsIt()
    {
        await using var http = new LoopbackHttpServer();
        await using var echo = new LoopbackEchoServer();
        var work = Directory.CreateTempSubdirectory("farm-damaged-store-");
        try
        {
            var farmPolicy = Path.Combine(work.FullName, "farm.policy");
            var localPolicy = Path.Combine(work.FullName, "local.policy");
            var data = Path.Combine(work.FullName, "node-ddata");
            await File.WriteAllTextAsync(farmPolicy, $"client pass from 127.0.0.0/8\npass connect to 127.0.0.1 port {echo.Endpoint.Port}\n");
            await File.WriteAllTextAsync(localPolicy, "client pass from 127.0.0.0/8\npass connect to 127.0.0.1\n");
            await using var lighthouse = await LighthouseHost.StartAsync(new Dictionary<string, string?>
            {
                ["Farm:Policy:File"] = farmPolicy,
                ["Farm:Cluster:DataDirectory"] = Path.Combine(work.FullName, "lighthouse-ddata"),
            });
            var joined = new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = localPolicy,
                ["FARM__CLUSTER__DATADIRECTORY"] = data,
                ["FARM__CLUSTER__SEEDS__0"] = lighthouse.SeedAddress,
            };

            await using (var first = await ExternalNodeProcess.StartAsync("127.0.0.1:0", joined))
            {
                await WaitForAsync(first, "Enforcing farm policy version 1");
                Assert.NotEqual(0, (await Curl.GetAsync(http.Url(100), "--socks5", Proxy(first))).ExitCode);
                await first.StopAsync();
            }

            var store = Path.Combine(data, "farm-policy.ddata");
            var stored = await File.ReadAllBytesAsync(store);
            await File.WriteAllBytesAsync(store, stored[..(stored.Length / 2)]);

            var telemetry = $"127.0.0.1:{TestPorts.Next()}";
            var alone = new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = localPolicy,
                ["FARM__CLUSTER__DATADIRECTORY"] = data,
                ["FARM__TELEMETRY__LISTEN"] = telemetry,
            };
            await using (var damaged = await ExternalNodeProcess.StartAsync("127.0.0.1:0", alone))
            {
                var download = await Curl.GetAsync(http.Url(100), "--socks5", Proxy(damaged));
                Assert.True(download.ExitCode != 0, $"the local file's traffic passed with a damaged store (curl exit {download.ExitCode}); node log:\n{damaged.Diagnostics}");

                // Alone, the node is Up and its seeder has looked at the farm: it must not have seeded its local file.
                await WaitForAsync(damaged, "not seeding");
                Assert.NotEqual(0, (await Curl.GetAsync(http.Url(100), "--socks5", Proxy(damaged))).ExitCode);
                var lines = damaged.Diagnostics.Split('\n').Where(l => l.Contains(DamagedLine, StringComparison.Ordinal)).ToList();
                Assert.Contains(store, Assert.Single(lines));
                Assert.Contains(damaged.SessionRecords(), r => r.GetProperty("kind").GetString() == "client" && r.GetProperty("rule").GetString() == "store-damaged");
                var uri = new Uri($"http://{telemetry}/");
                Assert.Equal(1, (await PrometheusScrape.GetAsync(uri)).Value("farm_policy_store_damaged"));
                using var client = new HttpClient();
                var ready = await client.GetAsync(new Uri(uri, "healthz/ready"));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("damaged", await ready.Content.ReadAsStringAsync());
            }

            joined["FARM__TELEMETRY__LISTEN"] = telemetry;
            await using var healed = await ExternalNodeProcess.StartAsync("127.0.0.1:0", joined);
            await WaitForAsync(healed, "Enforcing farm policy version 1");
            using var echoClient = await RawClient.ConnectAsync(healed.Endpoint);
            var port = (ushort)echo.Endpoint.Port;
            await echoClient.SendAsync(0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
            Assert.Equal(new byte[] { 0x05, 0x00 }, await echoClient.ReceiveExactlyAsync(2));
            Assert.Equal(0x00, (await echoClient.ReceiveExactlyAsync(10))[1]);
            await echoClient.SendAsync("farm"u8.ToArray());
            Assert.Equal("farm"u8.ToArray(), await echoClient.ReceiveExactlyAsync(4));
            Assert.NotEqual(0, (await Curl.GetAsync(http.Url(100), "--socks5", Proxy(healed))).ExitCode);
            Assert.Equal(HttpStatusCode.OK, await ReadyWithinAsync(new Uri($"http://{telemetry}/healthz/ready")));
            Assert.Equal(0, (await PrometheusScrape.GetAsync(new Uri($"http://{telemetry}/"))).Value("farm_policy_store_damaged"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Proxy(ExternalNodeProcess node) => $"{node.Endpoint.Address}:{node.Endpoint.Port}";

    private static async Task<HttpStatusCode> ReadyWithinAsync(Uri ready)
    {
        using var client = new HttpClient();
        var status = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 100 && status != HttpStatusCode.OK; i++)
        {
            status = (await client.GetAsync(ready)).StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }

        return status;
    }

    private static async Task WaitForAsync(ExternalNodeProcess node, string text)
    {
        for (var i = 0; i < 300 && !node.Diagnostics.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        Assert.Contains(text, node.Diagnostics);
    }
}
