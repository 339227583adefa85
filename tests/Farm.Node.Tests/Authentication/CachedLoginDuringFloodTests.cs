using System.Net;
using System.Text;
using Farm.Node.Policy;
using Farm.Node.Tests.Support;
using Farm.Shared.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Tests.Authentication;

/// <summary>
/// A flood of wrong passwords from many addresses (on a veth link: every loopback address is the user's
/// own source, which the flood's failures would throttle) keeps the hashing queue full; a user whose
/// password the node has already verified must still log in every time, because that check needs no
/// queue place. Asserts outcomes only: the flood is bounded in attempts and time.
/// </summary>
public sealed class CachedLoginDuringFloodTests
{
    private const string Password = "right horse";
    private const int Flooders = 16;
    private const int MaxFloodAttempts = 4000;
    private const int SourcesInRotation = 60;
    private const int UserLogins = 10;
    private static readonly IPAddress User = IPAddress.Parse("127.0.0.4");
    private static readonly TimeSpan FloodLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WrongPasswordFloodFromManySources_FillsTheQueue_CachedUserStillLogsInEveryTime()
    {
        // A million iterations keeps each admitted wrong password hashing for about a second,
        // so one hashing thread with two waiting places stays full while the flood lasts.
        var hash = PasswordHasher.Hash(Password, iterations: 1_000_000);
        await using var flooders = await LocalAddresses.AddAsync(SourcesInRotation);
        await using var node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            client pass from 10.250.0.0/16
            user alice {hash}
            pass connect from 127.0.0.0/8 to 127.0.0.0/8 auth password
            pass connect from 10.250.0.0/16 to 127.0.0.0/8 auth password
            """,
            new Dictionary<string, string?>
            {
                ["Farm:Socks:PasswordChecksAtOnce"] = "1",
                ["Farm:Socks:PasswordCheckQueue"] = "2",
            });

        // Passwords are cached per policy version: log in once the node enforces its farm version, not the start-up one.
        var policy = node.Services.GetRequiredService<PolicyHolder>();
        Assert.True(SpinWait.SpinUntil(() => policy.Current.Version > 0, TimeSpan.FromSeconds(30)), "the node never enforced a farm policy version");
        Assert.Equal((byte?)0x00, await LoginAsync(node.Endpoint, User, Password));
        Assert.True(policy.Current.Policy.MatchesVerified("alice", Password), "the first login did not cache the password");

        using var stop = new CancellationTokenSource(FloodLimit);
        var attempts = 0;
        async Task FloodAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var attempt = Interlocked.Increment(ref attempts);
                if (attempt > MaxFloodAttempts)
                {
                    return;
                }

                var source = flooders.Addresses[attempt % SourcesInRotation];
                await LoginAsync(node.Endpoint, source, "wrong");
            }
        }

        var flood = Enumerable.Range(0, Flooders).Select(_ => Task.Run(FloodAsync)).ToArray();
        var userStatuses = new List<byte?>();
        try
        {
            if (!await QueueOverflowedAsync(node))
            {
                var outcomes = (await node.SessionRecordsAsync(0)).GroupBy(r => r.GetProperty("outcome").GetString()).Select(g => $"{g.Key}={g.Count()}");
                Assert.Fail($"the flood never filled the hashing queue, so it proves nothing; {attempts} attempts, outcomes: {string.Join(' ', outcomes)}");
            }
            for (var i = 0; i < UserLogins; i++)
            {
                userStatuses.Add(await LoginAsync(node.Endpoint, User, Password));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(flood);
        }

        Assert.True(
            userStatuses.All(status => status == 0x00),
            $"the cached user's logins during the flood: [{string.Join(", ", userStatuses.Select(s => s?.ToString("x2") ?? "none"))}]");
    }

    /// <summary>Whether a <c>password-overloaded</c> refusal is logged before the flood ends.</summary>
    private static async Task<bool> QueueOverflowedAsync(FarmNodeHost node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var records = await node.SessionRecordsAsync(0);
            if (records.Any(record => record.TryGetProperty("outcome", out var outcome) && outcome.GetString() == "password-overloaded"))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    /// <summary>Greeting and credentials in one write; the RFC 1929 status, or none when the node closed without one.</summary>
    private static async Task<byte?> LoginAsync(IPEndPoint node, IPAddress from, string password)
    {
        using var client = await RawClient.ConnectAsync(node, from);
        await client.SendAsync([0x05, 0x01, 0x02, 0x01, 0x05, .. "alice"u8, (byte)password.Length, .. Encoding.ASCII.GetBytes(password)]);
        try
        {
            var reply = await client.ReceiveExactlyAsync(4, TimeSpan.FromSeconds(30));
            Assert.Equal(new byte[] { 0x05, 0x02, 0x01 }, reply[..3]);
            return reply[3];
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }
}
