using System.Globalization;
using System.Text;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Proxying;

/// <summary>
/// Outsider review of issue 16 (att16c): on a PROXY listener the accept-time per-source caps counted the proxy's
/// address, so every client behind the proxy was one source and one of them holding idle connections shut out
/// all the others. The per-source caps now apply to the client the header names, once it is read; the proxy's
/// own connections are bounded by the node's cap.
/// <para>
/// Outsider review att16d F1: a header naming a client in the proxy's own source group (any 127.x behind a loopback
/// proxy), or UNKNOWN (the proxy itself), escaped every per-source cap, and a flood by one such client filled the node
/// while other clients behind the proxy were refused at accept as the proxy's group. A trusted proxy's connection now
/// counts in a bucket of its own until its header is read, and the named client's caps apply whoever it is.
/// </para>
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

    [Theory]
    [InlineData("127.0.0.9")]
    [InlineData("UNKNOWN")]
    [InlineData("203.0.113.7")]
    public async Task ClientNamedInTheProxysOwnGroupOrUnknown_IsCappedLikeAnyOther(string named)
    {
        var policy = Path.GetTempFileName();
        var held = new List<RawClient>();
        try
        {
            await using var node = await StartBehindLoopbackProxyAsync(policy, maxSessions: null);
            for (var i = 0; i < PerSource; i++)
            {
                var client = await ProxiedAsync(node, named, 42000 + i);
                held.Add(client);
                await client.SendAsync(0x05, 0x01, 0x00);
                Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, Deadline));
            }

            using (var more = await ProxiedAsync(node, named, 42100))
            {
                await more.SendAsync(0x05, 0x01, 0x00);
                Assert.Empty(await more.ReceiveUntilClosedAsync(Deadline));
            }

            // UNKNOWN counts under the proxy's own address, the socket's peer.
            var recorded = named == "UNKNOWN" ? "127.0.0.1:" : named + ":";
            await WaitForAsync(
                () => node.SessionRecords().Any(r => r.GetProperty("outcome").GetString() == "source-cap" && r.GetProperty("client").GetString()!.StartsWith(recorded, StringComparison.Ordinal)),
                $"a source-cap record for {recorded}");
        }
        finally
        {
            held.ForEach(client => client.Dispose());
            File.Delete(policy);
        }
    }

    [Fact]
    public async Task OneNamedClientFloodsTheNode_AnotherNamedClientIsStillServed()
    {
        const int Flood = 40;
        const int Honest = 3;
        var policy = Path.GetTempFileName();
        var held = new List<RawClient>();
        try
        {
            await using var node = await StartBehindLoopbackProxyAsync(policy, maxSessions: 20);
            var answered = 0;
            for (var i = 0; i < Flood; i++)
            {
                var client = await RawClient.ConnectAsync(node.Endpoint);
                held.Add(client);
                answered += await GreetedAsync(client, node, "127.0.0.9", 43000 + i) ? 1 : 0;
            }

            Assert.Equal(PerSource, answered);
            for (var i = 0; i < Honest; i++)
            {
                var client = await RawClient.ConnectAsync(node.Endpoint);
                held.Add(client);
                Assert.True(await GreetedAsync(client, node, $"198.51.100.{i + 1}", 44000 + i), $"client 198.51.100.{i + 1} behind the proxy was refused while 127.0.0.9 flooded");
            }
        }
        finally
        {
            held.ForEach(client => client.Dispose());
            File.Delete(policy);
        }
    }

    /// <summary>A node whose PROXY listener trusts every loopback address, so the proxy's own group is 127.0.0.0/8.</summary>
    private static async Task<ExternalNodeProcess> StartBehindLoopbackProxyAsync(string policy, int? maxSessions)
    {
        await File.WriteAllTextAsync(policy, """
            client pass from 127.0.0.0/8
            client pass from 203.0.113.0/24
            client pass from 198.51.100.0/24
            pass connect to 127.0.0.1 port 9 name discard
            """);
        var environment = new Dictionary<string, string>
        {
            ["FARM__POLICY__FILE"] = policy,
            ["FARM__SOCKS__LISTENERS__0__ENDPOINT"] = "127.0.0.1:0",
            ["FARM__SOCKS__LISTENERS__0__PROXYPROTOCOL"] = "true",
            ["FARM__SOCKS__LISTENERS__0__TRUSTEDPROXIES__0"] = "127.0.0.0/8",
            ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = PerSource.ToString(CultureInfo.InvariantCulture),
            ["FARM__SOCKS__HANDSHAKETIMEOUT"] = "00:01:00",
            ["FARM__SESSIONLOG__REFUSALSPERSOURCEPERSECOND"] = "1000",
        };
        if (maxSessions is { } max)
        {
            environment["FARM__SOCKS__MAXSESSIONS"] = max.ToString(CultureInfo.InvariantCulture);
        }

        return await ExternalNodeProcess.StartAsync("127.0.0.1:0", environment);
    }

    /// <summary>Whether the node answered the header naming <paramref name="named"/> and a greeting (true), or closed the connection unanswered, before or after the header.</summary>
    private static async Task<bool> GreetedAsync(RawClient client, ExternalNodeProcess node, string named, int port)
    {
        try
        {
            await client.SendAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"PROXY TCP4 {named} 127.0.0.1 {port} {node.Endpoint.Port}\r\n")));
            await client.SendAsync(0x05, 0x01, 0x00);
            return (await client.ReceiveExactlyAsync(2, Deadline)).SequenceEqual(new byte[] { 0x05, 0x00 });
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static bool Refused(System.Text.Json.JsonElement record) =>
        record.GetProperty("outcome").GetString() == "source-cap" && record.GetProperty("client").GetString()!.StartsWith("192.0.2.1:", StringComparison.Ordinal);

    /// <summary>A connection from the proxy (127.0.0.1) that has sent the PROXY v1 header naming <paramref name="client"/> (or UNKNOWN).</summary>
    private static async Task<RawClient> ProxiedAsync(ExternalNodeProcess node, string client, int port)
    {
        var connection = await RawClient.ConnectAsync(node.Endpoint);
        var header = client == "UNKNOWN" ? "PROXY UNKNOWN\r\n" : string.Create(CultureInfo.InvariantCulture, $"PROXY TCP4 {client} 127.0.0.1 {port} {node.Endpoint.Port}\r\n");
        await connection.SendAsync(Encoding.ASCII.GetBytes(header));
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
