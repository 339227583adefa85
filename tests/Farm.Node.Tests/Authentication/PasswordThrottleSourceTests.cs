using System.Net;
using System.Net.Sockets;
using System.Text;
using Farm.Node.Tests.Support;
using Farm.Shared.Security;

namespace Farm.Node.Tests.Authentication;

/// <summary>
/// Issue 16 outsider review, lows a and b, against a node process: a login refused because someone
/// else's hash holds the only hashing place is no wrong password of its source, and the failure
/// throttle groups addresses as the per-source caps do (Farm:Socks:SourcePrefixLength).
/// </summary>
public sealed class PasswordThrottleSourceTests
{
    private const string BobPassword = "bob's right horse";
    private const int FailuresPerSource = 3;

    [Fact]
    public async Task HonestClientRefusedWhileTheQueueIsFull_IsNotThrottled_AndLogsInOnceItIsFree()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var flooder = addresses.Addresses[0];
        var honest = IPAddress.Loopback;

        // The most iterations a hash may have: one wrong login holds the only hashing thread for seconds.
        var slow = PasswordHasher.Hash("slow's password", PasswordHasher.MaxIterations);
        using var policy = new TempPolicy();
        await using var node = await StartAsync(policy.Path, slow, new Dictionary<string, string>
        {
            ["FARM__SOCKS__PASSWORDCHECKSATONCE"] = "1",
            ["FARM__SOCKS__PASSWORDCHECKQUEUE"] = "0",
        });

        using var held = await RawClient.ConnectAsync(node.Endpoint, flooder);
        await held.SendAsync(Login("slow", "wrong"));
        await Task.Delay(500);

        // As many refusals as the throttle allows wrong passwords, each for want of a place.
        var overloaded = new List<int>();
        for (var i = 0; i < FailuresPerSource; i++)
        {
            var (status, port) = await LoginAsync(node.Endpoint, honest, "bob", BobPassword);
            Assert.NotEqual((byte?)0x00, status);
            overloaded.Add(port);
        }

        Assert.Equal(new byte[] { 0x05, 0x02, 0x01, 0x01 }, await held.ReceiveExactlyAsync(4, TimeSpan.FromSeconds(120)));
        var records = await RecordsForAsync(node, honest, overloaded);
        Assert.All(records, outcome => Assert.Equal("password-overloaded", outcome));

        var (after, _) = await LoginAsync(node.Endpoint, honest, "bob", BobPassword);
        Assert.True(after == 0x00, $"the honest client was refused ({after}) once the queue was free: its overflows were counted as wrong passwords");
    }

    [Fact]
    public async Task WrongPasswordsFromOneAddress_ThrottleTheWholeConfiguredPrefix()
    {
        await using var addresses = await LocalAddresses.AddAsync(2);
        var guesser = addresses.Addresses[0];
        var neighbour = addresses.Addresses[1];
        using var policy = new TempPolicy();
        await using var node = await StartAsync(policy.Path, PasswordHasher.Hash("unused", PasswordHasher.MinIterations), new Dictionary<string, string>
        {
            ["FARM__SOCKS__SOURCEPREFIXLENGTH__IPV4"] = "24",
        });

        for (var i = 0; i < FailuresPerSource; i++)
        {
            Assert.NotEqual((byte?)0x00, (await LoginAsync(node.Endpoint, guesser, "bob", "wrong")).Status);
        }

        // Another address of the same /24 is the same source: refused at once, its right password not looked at.
        var (status, port) = await LoginAsync(node.Endpoint, neighbour, "bob", BobPassword);
        Assert.True(status != 0x00, $"{neighbour} logged in after {FailuresPerSource} wrong passwords from {guesser} in the same /24");
        Assert.Equal(["password-throttled"], await RecordsForAsync(node, neighbour, [port]));
        Assert.Equal((byte?)0x00, (await LoginAsync(node.Endpoint, IPAddress.Loopback, "bob", BobPassword)).Status);
    }

    private static async Task<ExternalNodeProcess> StartAsync(string policy, string slowHash, Dictionary<string, string> settings)
    {
        await File.WriteAllTextAsync(policy, $"""
            client pass from 127.0.0.0/8
            client pass from 10.250.0.0/16
            user bob {PasswordHasher.Hash(BobPassword, PasswordHasher.MinIterations)}
            user slow {slowHash}
            pass connect to 127.0.0.1 auth password name local
            """);
        settings["FARM__POLICY__FILE"] = policy;
        settings["FARM__SOCKS__PASSWORDFAILURESPERSOURCE"] = FailuresPerSource.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await ExternalNodeProcess.StartAsync("127.0.0.1:0", settings);
    }

    private static byte[] Login(string user, string password) =>
        [0x05, 0x01, 0x02, 0x01, (byte)user.Length, .. Encoding.ASCII.GetBytes(user), (byte)password.Length, .. Encoding.ASCII.GetBytes(password)];

    /// <summary>
    /// Greeting and credentials in one write: the RFC 1929 status (null when the node's reset of a
    /// refused login overtook its answer) and the client's port.
    /// </summary>
    private static async Task<(byte? Status, int Port)> LoginAsync(IPEndPoint node, IPAddress from, string user, string password)
    {
        using var client = await RawClient.ConnectAsync(node, from);
        var port = ((IPEndPoint)client.Socket.LocalEndPoint!).Port;
        await client.SendAsync(Login(user, password));
        try
        {
            var reply = await client.ReceiveExactlyAsync(4, TimeSpan.FromSeconds(30));
            Assert.Equal(new byte[] { 0x05, 0x02, 0x01 }, reply[..3]);
            return (reply[3], port);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return (null, port);
        }
    }

    /// <summary>The outcomes of the sessions from those client ports, once each has its record.</summary>
    private static async Task<List<string?>> RecordsForAsync(ExternalNodeProcess node, IPAddress from, IReadOnlyList<int> ports)
    {
        var clients = ports.Select(port => new IPEndPoint(from, port).ToString()).ToHashSet();
        for (var attempt = 0; ; attempt++)
        {
            var outcomes = node.SessionRecords()
                .Where(r => clients.Contains(r.GetProperty("client").GetString()!))
                .Select(r => r.GetProperty("outcome").GetString())
                .ToList();
            if (outcomes.Count == ports.Count || attempt == 150)
            {
                return outcomes;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The policy file of one test, deleted when it ends, also when it failed.</summary>
    private sealed class TempPolicy : IDisposable
    {
        public string Path { get; } = System.IO.Path.GetTempFileName();

        public void Dispose() => File.Delete(Path);
    }
}
