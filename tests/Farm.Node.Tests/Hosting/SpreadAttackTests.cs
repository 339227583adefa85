using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 16 outsider review F2: an attacker spread over many addresses, one idle connection each,
/// fills the node next to a fair client holding one unfinished handshake. Judged on handshake counts
/// alone, the attacker's next address held fewer than the fair client and took its place; judged on
/// each source's share of the node, nobody holds more than a share, so the attacker is refused and the
/// fair client is served.
/// </summary>
public sealed class SpreadAttackTests
{
    private const int Cap = 10;

    [Fact]
    public async Task AttackerOnManyAddresses_CannotEvictAFairClientsHandshake()
    {
        await using var addresses = await LocalAddresses.AddAsync(Cap);
        await using var echo = new LoopbackEchoServer();
        var policy = Path.GetTempFileName();
        var attack = new List<Socket>();
        try
        {
            await File.WriteAllTextAsync(policy, $"""
                client pass from 127.0.0.0/8
                client pass from 10.250.0.0/16
                pass connect to 127.0.0.1 port {echo.Endpoint.Port} name echo
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__SOCKS__MAXSESSIONS"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
                // The idle connections are held for the whole test, not closed by the handshake deadline.
                ["FARM__SOCKS__HANDSHAKETIMEOUT"] = "00:02:00",
            });

            // The fair client's handshake is the oldest; one attacker address after another fills the node.
            using var fair = await RawClient.ConnectAsync(node.Endpoint, IPAddress.Loopback);
            foreach (var address in addresses.Addresses)
            {
                attack.Add(await IdleConnection.OpenAsync(node.Endpoint, address, TimeSpan.FromSeconds(15)));
            }

            // The last address found the node full: it gets nobody's place and is closed at once.
            await WaitForRecordAsync(node, $"{addresses.Addresses[^1]}:", "session-cap");
            Assert.DoesNotContain(node.SessionRecords(), r => r.GetProperty("outcome").GetString() == "evicted");

            await fair.SendAsync(0x05, 0x01, 0x00);
            Assert.Equal(new byte[] { 0x05, 0x00 }, await fair.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(15)));
            var port = echo.Endpoint.Port;
            await fair.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
            Assert.Equal(0x00, (await fair.ReceiveExactlyAsync(10, TimeSpan.FromSeconds(15)))[1]);
            await fair.SendAsync("fair"u8.ToArray());
            Assert.Equal("fair"u8.ToArray(), await fair.ReceiveExactlyAsync(4, TimeSpan.FromSeconds(15)));
        }
        finally
        {
            attack.ForEach(socket => socket.Dispose());
            File.Delete(policy);
        }
    }

    private static async Task WaitForRecordAsync(ExternalNodeProcess node, string clientPrefix, string outcome)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (node.SessionRecords().Any(r => r.GetProperty("client").GetString()!.StartsWith(clientPrefix, StringComparison.Ordinal)
                && r.GetProperty("outcome").GetString() == outcome))
            {
                return;
            }

            await Task.Delay(100);
        }

        var outcomes = string.Join(' ', node.SessionRecords().Select(r => $"{r.GetProperty("client").GetString()}={r.GetProperty("outcome").GetString()}"));
        Assert.Fail($"no {outcome} record for {clientPrefix} within 30 s; records: {outcomes}");
    }
}
