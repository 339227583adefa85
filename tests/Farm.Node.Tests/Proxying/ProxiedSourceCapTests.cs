using System.Globalization;
using System.Text;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Proxying;

/// <summary>
/// Outsider review of issue 16 (att16c): on a PROXY listener the accept-time per-source caps counted the proxy's
/// address, so every client behind the proxy was one source and one of them holding idle connections shut out
/// all the others. The per-source caps now apply to the client the header names, once it is read; the proxy's
/// own connections are bounded by the node's cap.
/// </summary>
public sealed class ProxiedSourceCapTests
{
    private const int PerSource = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OneClientBehindTheProxyAtItsCap_AnotherClientBehindItIsServed_TheFirstIsRefusedMore()
    {
        var policy = Path.GetTempFileName();
        var held = new List<RawClient>();
        try
        {
            await File.WriteAllTextAsync(policy, """
                client pass from 127.0.0.1
                client pass from 192.0.2.0/24
                pass connect to 127.0.0.1 port 9 name discard
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__SOCKS__LISTENERS__0__ENDPOINT"] = "127.0.0.1:0",
                ["FARM__SOCKS__LISTENERS__0__PROXYPROTOCOL"] = "true",
                ["FARM__SOCKS__LISTENERS__0__TRUSTEDPROXIES__0"] = "127.0.0.1/32",
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = PerSource.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__HANDSHAKETIMEOUT"] = "00:01:00",
                ["FARM__SESSIONLOG__REFUSALSPERSOURCEPERSECOND"] = "1000",
            });

            // Client A, behind the proxy, holds its whole per-source cap in handshakes it does not finish.
            for (var i = 0; i < PerSource; i++)
            {
                var client = await ProxiedAsync(node, "192.0.2.1", 40000 + i);
                held.Add(client);
                await client.SendAsync(0x05, 0x01, 0x00);
                Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, Deadline));
            }

            // Client B, behind the same proxy, is its own source: served.
            using (var other = await ProxiedAsync(node, "192.0.2.2", 41000))
            {
                await other.SendAsync(0x05, 0x01, 0x00);
                Assert.Equal(new byte[] { 0x05, 0x00 }, await other.ReceiveExactlyAsync(2, Deadline));
            }

            // One more from A is over A's cap: closed, recorded as A's.
            using (var more = await ProxiedAsync(node, "192.0.2.1", 40100))
            {
                await more.ReceiveUntilClosedAsync(Deadline);
            }

            await WaitForAsync(() => node.SessionRecords().Any(Refused), "a source-cap record for 192.0.2.1");
            Assert.DoesNotContain(node.SessionRecords(), r => r.GetProperty("client").GetString()!.StartsWith("192.0.2.2:", StringComparison.Ordinal) && Refused(r));

            // A's held connections were not touched: each still gets its reply (no rule passes the request).
            foreach (var client in held)
            {
                await client.SendAsync(0x05, 0x01, 0x00, 0x01, 192, 0, 2, 80, 0x00, 0x50);
                Assert.Equal(new byte[] { 0x05, 0x02 }, await client.ReceiveExactlyAsync(2, Deadline));
            }
        }
        finally
        {
            held.ForEach(client => client.Dispose());
            File.Delete(policy);
        }
    }

    private static bool Refused(System.Text.Json.JsonElement record) =>
        record.GetProperty("outcome").GetString() == "source-cap" && record.GetProperty("client").GetString()!.StartsWith("192.0.2.1:", StringComparison.Ordinal);

    /// <summary>A connection from the proxy (127.0.0.1) that has sent the PROXY v1 header naming <paramref name="client"/>.</summary>
    private static async Task<RawClient> ProxiedAsync(ExternalNodeProcess node, string client, int port)
    {
        var connection = await RawClient.ConnectAsync(node.Endpoint);
        await connection.SendAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"PROXY TCP4 {client} 127.0.0.1 {port} {node.Endpoint.Port}\r\n")));
        return connection;
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
