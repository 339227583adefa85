using System.Diagnostics;
using System.Net;
using Farm.Node.Tests.Support;
using Farm.Shared.Security;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>
/// Issue 16 item 8: a flood of wrong passwords must not starve other clients of CPU or thread-pool
/// threads, and must not lock out a user logging in from another address. Bounds are generous:
/// timing figures belong in bench/ ("auth-flood").
/// </summary>
public sealed class PasswordFloodTests
{
    private const int FloodSize = 40;
    private const string Password = "right horse";
    private static readonly IPAddress NoAuthClient = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress User = IPAddress.Parse("127.0.0.4");

    [Fact]
    public async Task WrongPasswordFlood_NoAuthConnectGoesThrough_OverflowRefusedAtOnce_OtherSourceLogsIn()
    {
        // Every loopback address is one source: the attacker comes from another, so its failures throttle only itself.
        await using var addresses = await LocalAddresses.AddAsync(1);
        var attacker = addresses.Addresses[0];
        await using var echo = new LoopbackEchoServer();
        // A million iterations: about twice the cost of a production hash, so 40 of them cost
        // seconds of CPU on a 2-core machine when nothing bounds them.
        var hash = PasswordHasher.Hash(Password, iterations: 1_000_000);
        await using var node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            client pass from 10.250.0.0/16
            user alice {hash}
            pass connect from 127.0.0.3 to 127.0.0.0/8
            pass connect from 127.0.0.0/8 to 127.0.0.0/8 auth password
            pass connect from 10.250.0.0/16 to 127.0.0.0/8 auth password
            """,
            // The queued hashes take seconds each on a loaded machine: a login waiting its turn must get its answer, not the handshake deadline.
            new Dictionary<string, string?> { ["Farm:Socks:HandshakeTimeout"] = "00:01:30" });

        var flood = Enumerable.Range(0, FloodSize).Select(_ => LoginAsync(node.Endpoint, attacker, "wrong")).ToArray();
        await Task.Delay(200);
        var connect = Stopwatch.StartNew();
        await NoAuthEchoAsync(node.Endpoint, echo.Endpoint);
        connect.Stop();
        var attempts = await Task.WhenAll(flood);

        Assert.True(connect.Elapsed < TimeSpan.FromSeconds(1.5), $"a no-auth CONNECT took {connect.Elapsed.TotalMilliseconds:F0} ms during the flood");
        var prompt = attempts.Count(attempt => attempt.Status == 0x01 && attempt.Elapsed < TimeSpan.FromSeconds(1));
        Assert.True(prompt >= 25, $"only {prompt} of {FloodSize} wrong passwords were refused within 1 s: [{string.Join(", ", attempts.Select(a => $"{a.Status?.ToString() ?? "none"}@{a.Elapsed.TotalMilliseconds:F0}ms"))}]");
        Assert.All(attempts, attempt => Assert.Equal((byte?)0x01, attempt.Status));

        var fromAttacker = await LoginAsync(node.Endpoint, attacker, Password);
        Assert.True(fromAttacker.Status == 0x01, "the flooding source is throttled, even with the right password");
        var fromUser = await LoginAsync(node.Endpoint, User, Password);
        Assert.True(fromUser.Status == 0x00, "a user on another address is not locked out by the flood");
    }

    /// <summary>Greeting and credentials in one write; the RFC 1929 status and the time it took.</summary>
    /// <returns>No status when the node closed without one (its handshake deadline passed).</returns>
    private static async Task<(byte? Status, TimeSpan Elapsed)> LoginAsync(IPEndPoint node, IPAddress from, string password)
    {
        using var client = await RawClient.ConnectAsync(node, from);
        var clock = Stopwatch.StartNew();
        await client.SendAsync([0x05, 0x01, 0x02, 0x01, 0x05, .. "alice"u8, (byte)password.Length, .. System.Text.Encoding.ASCII.GetBytes(password)]);
        try
        {
            var reply = await client.ReceiveExactlyAsync(4, TimeSpan.FromSeconds(90));
            Assert.Equal(new byte[] { 0x05, 0x02, 0x01 }, reply[..3]);
            return (reply[3], clock.Elapsed);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            return (null, clock.Elapsed);
        }
    }

    private static async Task NoAuthEchoAsync(IPEndPoint node, IPEndPoint echo)
    {
        using var client = await RawClient.ConnectAsync(node, NoAuthClient);
        await client.SendAsync(0x05, 0x01, 0x00);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(30)));
        await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(echo.Port >> 8), (byte)echo.Port);
        var reply = await client.ReceiveExactlyAsync(10, TimeSpan.FromSeconds(30));
        Assert.Equal(0x00, reply[1]);
        await client.SendAsync("ping"u8.ToArray());
        Assert.Equal("ping"u8.ToArray(), await client.ReceiveExactlyAsync(4, TimeSpan.FromSeconds(30)));
    }
}
