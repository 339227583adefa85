namespace Farm.IntegrationTests.Support;

/// <summary>
/// A compose-like network without a Docker engine: one Linux bridge and one network namespace per host,
/// each with a veth on the bridge and one address of <c>subnet</c>/24, and its own loopback. A host's
/// resolv.conf can name a name server, as compose's <c>dns:</c> does. Everything is removed on dispose,
/// also when the test failed.
/// </summary>
public sealed class BridgeNetwork : IAsyncDisposable
{
    private const string NetnsConfig = "/etc/netns";

    private readonly string _tag = $"fb{Environment.ProcessId % 100000}";
    private readonly Dictionary<string, (string Namespace, string Address)> _hosts = [];
    private readonly bool _createdConfigRoot = !Directory.Exists(NetnsConfig);

    private readonly string _subnet;

    private BridgeNetwork(string subnet) => _subnet = subnet;

    private string Bridge => $"{_tag}br";

    /// <summary>The namespace of <paramref name="host"/>.</summary>
    public string Namespace(string host) => _hosts[host].Namespace;

    public string Address(string host) => _hosts[host].Address;

    /// <summary><paramref name="hosts"/> maps each host's name to the last octet of its address in <paramref name="subnet"/> (three octets).</summary>
    public static async Task<BridgeNetwork> CreateAsync(string subnet, IReadOnlyDictionary<string, int> hosts)
    {
        var network = new BridgeNetwork(subnet);
        try
        {
            await Tool.CheckedAsync("ip", "link", "add", network.Bridge, "type", "bridge");
            await Tool.CheckedAsync("ip", "link", "set", network.Bridge, "up");
            var index = 0;
            foreach (var (host, octet) in hosts)
            {
                var ns = $"{network._tag}n{index}";
                var outside = $"{network._tag}v{index}";
                var inside = $"{network._tag}i{index}";
                index++;
                var address = $"{subnet}.{octet}";
                network._hosts[host] = (ns, address);
                await Tool.CheckedAsync("ip", "netns", "add", ns);
                await Tool.CheckedAsync("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
                await Tool.CheckedAsync("ip", "link", "set", outside, "master", network.Bridge);
                await Tool.CheckedAsync("ip", "link", "set", outside, "up");
                await Tool.CheckedAsync("ip", "link", "set", inside, "netns", ns);
                await Tool.CheckedAsync("ip", "netns", "exec", ns, "ip", "addr", "add", $"{address}/24", "dev", inside);
                await Tool.CheckedAsync("ip", "netns", "exec", ns, "ip", "link", "set", inside, "up");
                await Tool.CheckedAsync("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            }

            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Gives the test process itself an address on the bridge (<paramref name="octet"/> in the subnet), so that
    /// its clients and servers reach the hosts and the hosts reach them; removed with the bridge.
    /// </summary>
    public async Task<string> AddOwnAddressAsync(int octet)
    {
        var address = $"{_subnet}.{octet}";
        await Tool.CheckedAsync("ip", "addr", "add", $"{address}/24", "dev", Bridge);
        return address;
    }

    /// <summary>Makes <paramref name="host"/> resolve through <paramref name="nameServer"/>, as compose's <c>dns:</c>.</summary>
    public async Task UseNameServerAsync(string host, string nameServer)
    {
        var directory = Path.Combine(NetnsConfig, Namespace(host));
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "resolv.conf"), $"nameserver {nameServer}\noptions timeout:2 attempts:2\n");
    }

    public Task<Tool.Result> ExecAsync(string host, params string[] command) =>
        Tool.RunAsync("ip", ["netns", "exec", Namespace(host), .. command], TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        // Each step runs even when an earlier one had nothing to remove; deleting a namespace deletes its veth pair.
        foreach (var (ns, _) in _hosts.Values)
        {
            await Tool.RunAsync("ip", ["netns", "del", ns]);
            var directory = Path.Combine(NetnsConfig, ns);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        await Tool.RunAsync("ip", ["link", "del", Bridge]);
        if (_createdConfigRoot && Directory.Exists(NetnsConfig) && !Directory.EnumerateFileSystemEntries(NetnsConfig).Any())
        {
            Directory.Delete(NetnsConfig);
        }
    }
}
