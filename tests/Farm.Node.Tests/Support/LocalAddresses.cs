using System.Globalization;
using System.Net;

namespace Farm.Node.Tests.Support;

/// <summary>
/// Local IPv4 addresses outside loopback (in 10.250.0.0/16, private clients the default policy
/// serves), on one end of a veth pair in the test's own namespace, so one test process can be
/// several non-loopback clients.
/// The pair is deleted on dispose, also when the test failed.
/// </summary>
public sealed class LocalAddresses : IAsyncDisposable
{
    private readonly string _link;

    private LocalAddresses(string link, IReadOnlyList<IPAddress> addresses)
    {
        _link = link;
        Addresses = addresses;
    }

    public IReadOnlyList<IPAddress> Addresses { get; }

    public static async Task<LocalAddresses> AddAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 250);
        var link = $"fa{Environment.ProcessId % 100000}x{Random.Shared.Next(1000)}";
        var subnet = $"10.250.{Random.Shared.Next(256).ToString(CultureInfo.InvariantCulture)}";
        await RunAsync("ip", "link", "add", link, "type", "veth", "peer", "name", $"{link}p");
        var made = new LocalAddresses(link, [.. Enumerable.Range(2, count).Select(host => IPAddress.Parse($"{subnet}.{host}"))]);
        try
        {
            foreach (var address in made.Addresses)
            {
                await RunAsync("ip", "addr", "add", $"{address}/32", "dev", link);
            }

            await RunAsync("ip", "link", "set", link, "up");
            await RunAsync("ip", "link", "set", $"{link}p", "up");
            return made;
        }
        catch
        {
            await made.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() =>
        await ProcessRunner.RunAsync("ip", ["link", "del", _link], TimeSpan.FromSeconds(10));

    private static async Task RunAsync(params string[] command)
    {
        var result = await ProcessRunner.RunAsync(command[0], command[1..], TimeSpan.FromSeconds(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed: {result.StandardError.Trim()}");
        }
    }
}
