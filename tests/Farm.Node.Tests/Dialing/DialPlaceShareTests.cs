using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Dialing;

/// <summary>
/// Outsider review of issue 16 (att16b, LOW): the node's 64 places for dial attempts beside a request's
/// first were first come, first served, so one source dialing names whose hosts never answer held all of
/// them, and every other source's request was left to its first address alone. A source now holds at most
/// half. Real node process, real DNS server, listeners whose accept queue is full (their SYNs are dropped).
/// </summary>
public sealed class DialPlaceShareTests
{
    // Each of the hog's requests holds one extra place (two attempts at once) for its whole connect timeout.
    private const int HogRequests = 64;
    private const int HangingAddresses = 8;
    private static readonly IPAddress Answering = IPAddress.Parse("127.0.0.30");
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    // Its second attempt starts 250 ms after the first; without a place it waits for a hog's request to time out.
    private static readonly TimeSpan ServedWithin = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task OneSourceHoldsDialPlaces_AnotherSourcesSecondAddressIsStillTried()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var hog = addresses.Addresses[0];
        var port = TestPorts.Next();
        var hanging = Enumerable.Range(10, HangingAddresses).Select(i => IPAddress.Parse($"127.0.0.{i}")).ToList();
        await using var dns = new CountingDnsServer(hanging, name => name.StartsWith("mixed.", StringComparison.OrdinalIgnoreCase) ? [hanging[0], Answering] : hanging);
        var listeners = new List<Socket>();
        var fillers = new List<Socket>();
        var hogClients = new List<RawClient>();
        var policy = Path.GetTempFileName();
        try
        {
            foreach (var address in hanging)
            {
                listeners.Add(await FullListener.StartAsync(new IPEndPoint(address, port), fillers));
            }

            // Its connects complete in the kernel; nobody needs to accept them.
            var answering = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listeners.Add(answering);
            answering.Bind(new IPEndPoint(Answering, port));
            answering.Listen(64);

            await File.WriteAllTextAsync(policy, $"""
                client pass from 127.0.0.0/8
                client pass from 10.250.0.0/16
                pass connect to hang.farm.test port {port} name hang
                pass connect to mixed.farm.test port {port} name mixed
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true",
                ["FARM__RESOLVER__SERVERS__0"] = dns.Endpoint.ToString(),
                ["FARM__SOCKS__CONNECTTIMEOUT"] = ConnectTimeout.ToString(),
                ["FARM__SOCKS__MAXPENDINGHANDSHAKESPERSOURCE"] = "1000",
            });
            await node.StartedSessionCapAsync();

            for (var i = 0; i < HogRequests; i++)
            {
                var client = await RawClient.ConnectAsync(node.Endpoint, hog);
                hogClients.Add(client);
                await client.SendAsync(0x05, 0x01, 0x00);
                Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(10)));
                await client.SendAsync(Connect("hang.farm.test", port));
            }

            // Past the 250 ms after which each of them takes a place for its second attempt.
            await Task.Delay(TimeSpan.FromSeconds(1));

            // The first address hangs: only an attempt beside it, on a place of the node's, reaches the second.
            var started = DateTime.UtcNow;
            using var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x01, "mixed.farm.test", port);
            var took = DateTime.UtcNow - started;
            Assert.True(probe.Reply == 0x00, $"reply {probe.Reply:x2} after {took}: the second address was never tried while the hog's requests held the dial places");
            Assert.True(took < ServedWithin, $"connected only after {took}: its second address waited for a place the hog's requests held");
        }
        finally
        {
            hogClients.ForEach(client => client.Dispose());
            fillers.ForEach(s => s.Dispose());
            listeners.ForEach(s => s.Dispose());
            File.Delete(policy);
        }
    }

    private static byte[] Connect(string name, int port) =>
        [0x05, 0x01, 0x00, 0x03, (byte)name.Length, .. System.Text.Encoding.ASCII.GetBytes(name), (byte)(port >> 8), (byte)port];
}
