namespace Farm.Node.Tests.Support;

/// <summary>
/// Test hosts as Linux network namespaces, each joined to the test's own namespace by a veth
/// pair. Everything created is deleted on dispose, also when the test failed.
/// </summary>
public sealed class NetworkNamespaces : IAsyncDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<string> _links = [];
    private readonly string _prefix = $"farm{Environment.ProcessId % 10000}x{Random.Shared.Next(1000)}";

    /// <summary>Why namespaces cannot be made here, or null when they can.</summary>
    public static async Task<string?> UnavailableReasonAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces exist only on Linux";
        }

        try
        {
            var probe = $"farmprobe{Environment.ProcessId}";
            var add = await ProcessRunner.RunAsync("ip", ["netns", "add", probe], TimeSpan.FromSeconds(10));
            if (add.ExitCode != 0)
            {
                return $"'ip netns add' failed: {add.StandardError.Trim()}";
            }

            await ProcessRunner.RunAsync("ip", ["netns", "del", probe], TimeSpan.FromSeconds(10));
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"the ip command is not available: {e.Message}";
        }
    }

    /// <summary>
    /// Makes a namespace whose only link reaches the test's namespace: <paramref name="hostAddress"/>
    /// on the host side, <paramref name="namespaceAddress"/> inside, both in a /24.
    /// </summary>
    public async Task<string> AddHostAsync(string name, string hostAddress, string namespaceAddress)
    {
        var ns = $"{_prefix}{name}";
        var hostLink = $"{_prefix[..Math.Min(_prefix.Length, 8)]}{name}h";
        var nsLink = $"{_prefix[..Math.Min(_prefix.Length, 8)]}{name}n";
        await RunAsync("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        await RunAsync("ip", "link", "add", hostLink, "type", "veth", "peer", "name", nsLink);
        _links.Add(hostLink);
        await RunAsync("ip", "link", "set", nsLink, "netns", ns);
        await RunAsync("ip", "addr", "add", $"{hostAddress}/24", "dev", hostLink);
        await RunAsync("ip", "link", "set", hostLink, "up");
        await RunAsync("ip", "netns", "exec", ns, "ip", "addr", "add", $"{namespaceAddress}/24", "dev", nsLink);
        await RunAsync("ip", "netns", "exec", ns, "ip", "link", "set", nsLink, "up");
        await RunAsync("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    public static Task<ProcessRunner.Result> ExecAsync(string ns, params string[] command) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", ns, .. command], TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links)
        {
            await ProcessRunner.RunAsync("ip", ["link", "del", link], TimeSpan.FromSeconds(10));
        }

        foreach (var ns in _namespaces)
        {
            await ProcessRunner.RunAsync("ip", ["netns", "del", ns], TimeSpan.FromSeconds(10));
        }
    }

    private static async Task RunAsync(params string[] command)
    {
        var result = await ProcessRunner.RunAsync(command[0], command[1..], TimeSpan.FromSeconds(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed: {result.StandardError.Trim()}");
        }
    }
}
