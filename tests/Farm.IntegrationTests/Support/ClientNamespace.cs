namespace Farm.IntegrationTests.Support;

/// <summary>
/// A client host as a Linux network namespace: one veth to the test's namespace, the farm's
/// addresses on the host side, and <c>/etc/netns/&lt;name&gt;/resolv.conf</c> naming the lighthouse,
/// which <c>ip netns exec</c> mounts over <c>/etc/resolv.conf</c>. 127.0.0.0/8 stays inside each
/// namespace, so the farm must listen on the veth's addresses to be reachable from here. Everything
/// is removed on dispose, also when the test failed.
/// </summary>
public sealed class ClientNamespace : IAsyncDisposable
{
    private const string NetnsConfig = "/etc/netns";

    private readonly string _hostLink;
    private readonly bool _createdConfigRoot;

    private ClientNamespace(string name, string hostLink, bool createdConfigRoot)
    {
        Name = name;
        _hostLink = hostLink;
        _createdConfigRoot = createdConfigRoot;
    }

    public string Name { get; }

    private string ConfigDirectory => Path.Combine(NetnsConfig, Name);

    /// <summary>
    /// <paramref name="subnet"/> is the first three octets: the namespace gets <c>.2</c>, the host side
    /// <c>.1</c> plus <paramref name="hostAddresses"/>, and resolv.conf names <paramref name="nameServer"/>.
    /// </summary>
    public static async Task<ClientNamespace> CreateAsync(string subnet, IEnumerable<string> hostAddresses, string nameServer)
    {
        var tag = $"fd{Environment.ProcessId % 100000}";
        var createdRoot = !Directory.Exists(NetnsConfig);
        var ns = new ClientNamespace($"{tag}c", $"{tag}h", createdRoot);
        try
        {
            var nsLink = $"{tag}n";
            await Tool.CheckedAsync("ip", "netns", "add", ns.Name);
            await Tool.CheckedAsync("ip", "link", "add", ns._hostLink, "type", "veth", "peer", "name", nsLink);
            await Tool.CheckedAsync("ip", "link", "set", nsLink, "netns", ns.Name);
            foreach (var address in hostAddresses.Prepend($"{subnet}.1").Distinct())
            {
                await Tool.CheckedAsync("ip", "addr", "add", $"{address}/24", "dev", ns._hostLink);
            }

            await Tool.CheckedAsync("ip", "link", "set", ns._hostLink, "up");
            await Tool.CheckedAsync("ip", "netns", "exec", ns.Name, "ip", "addr", "add", $"{subnet}.2/24", "dev", nsLink);
            await Tool.CheckedAsync("ip", "netns", "exec", ns.Name, "ip", "link", "set", nsLink, "up");
            await Tool.CheckedAsync("ip", "netns", "exec", ns.Name, "ip", "link", "set", "lo", "up");
            Directory.CreateDirectory(ns.ConfigDirectory);
            await File.WriteAllTextAsync(Path.Combine(ns.ConfigDirectory, "resolv.conf"), $"nameserver {nameServer}\noptions timeout:2 attempts:2\n");
            return ns;
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }
    }

    public Task<Tool.Result> ExecAsync(params string[] command) =>
        Tool.RunAsync("ip", ["netns", "exec", Name, .. command], TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        // Deleting the host end deletes the pair; each step runs even when an earlier one had nothing to remove.
        await Tool.RunAsync("ip", ["link", "del", _hostLink]);
        await Tool.RunAsync("ip", ["netns", "del", Name]);
        if (Directory.Exists(ConfigDirectory))
        {
            Directory.Delete(ConfigDirectory, recursive: true);
        }

        if (_createdConfigRoot && Directory.Exists(NetnsConfig) && !Directory.EnumerateFileSystemEntries(NetnsConfig).Any())
        {
            Directory.Delete(NetnsConfig);
        }
    }
}
