using System.Globalization;
using System.Net;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 16 outsider finding F3 (b): the per-source cap took only the configuration, so a source under
/// <c>limit from NET sessions N</c> could still hold the configured number of connections (handshakes
/// waiting, requests refused only later). The policy's N now lowers that source's cap from the accept on,
/// with its UDP associations and BIND waits counted: the connection past N is closed at once.
/// </summary>
public sealed class PolicySourceCapTests
{
    [Fact]
    public async Task LimitFromNetSessions_BoundsTheSourcesConnections_UdpAndBindCounted()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var holder = addresses.Addresses[0];
        var policy = Path.GetTempFileName();
        var held = new List<RawClient>();
        try
        {
            await File.WriteAllTextAsync(policy, """
                client pass from 10.250.0.0/16
                pass udp from 10.250.0.0/16 to 127.0.0.1 name datagrams
                pass bind from 10.250.0.0/16 to 127.0.0.1 name waits
                limit from 10.250.0.0/16 sessions 2
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = 50.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__BINDTIMEOUT"] = "00:02:00",
                ["FARM__SOCKS__HANDSHAKETIMEOUT"] = "00:02:00",
            });
            held.Add(await IdleUdpAndBindEvictionTests.HoldingAsync(node.Endpoint, holder, "udp-associate"));
            held.Add(await IdleUdpAndBindEvictionTests.HoldingAsync(node.Endpoint, holder, "bind"));

            // The third connection, before it says a word, is past the policy's 2: closed at once, not held for the handshake.
            Assert.Empty(await RawClient.ReceiveFromNewConnectionAsync(node.Endpoint, holder, TimeSpan.FromSeconds(15)));
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!node.SessionRecords().Any(r => r.GetProperty("outcome").GetString() == "source-cap") && DateTime.UtcNow < until)
            {
                await Task.Delay(250);
            }

            Assert.Contains(node.SessionRecords(), r => r.GetProperty("outcome").GetString() == "source-cap"
                && r.GetProperty("client").GetString()!.StartsWith($"{holder}:", StringComparison.Ordinal));
        }
        finally
        {
            held.ForEach(client => client.Dispose());
            File.Delete(policy);
        }
    }
}
