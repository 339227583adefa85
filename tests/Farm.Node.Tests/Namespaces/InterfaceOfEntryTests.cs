using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Namespaces;

/// <summary>
/// The interface-of-entry check across real interfaces: an inside and an outside host, each in
/// its own network namespace linked to the node's by a veth pair. Only the inside link is served.
/// </summary>
public sealed class InterfaceOfEntryTests
{
    private const string InsideListener = "10.231.1.1";
    private const string InsideClient = "10.231.1.2";
    private const string OutsideListener = "10.231.2.1";
    private const string OutsideClient = "10.231.2.2";

    [SkippableFact]
    public async Task Client_OnOutsideLink_DroppedWhileInsideClientServed()
    {
        var unavailable = await NetworkNamespaces.UnavailableReasonAsync();
        Skip.If(unavailable is not null, $"network namespaces cannot be created here: {unavailable}");

        await using var hosts = new NetworkNamespaces();
        var inside = await hosts.AddHostAsync("in", InsideListener, InsideClient);
        var outside = await hosts.AddHostAsync("out", OutsideListener, OutsideClient);
        await using var http = new LoopbackHttpServer();
        await using var node = await FarmNodeHost.StartAsync(
            $"""
            client pass  from 10.231.0.0/16 on {InsideListener} name inside-link
            client block from any name elsewhere
            pass connect to 127.0.0.1 port {http.Endpoint.Port}
            """,
            new Dictionary<string, string?>
            {
                ["Farm:Socks:Listeners:0"] = $"{InsideListener}:0",
                ["Farm:Socks:Listeners:1"] = $"{OutsideListener}:0",
            });
        var listeners = node.Services.GetListenerEndpoints();

        var served = await NetworkNamespaces.ExecAsync(inside, "curl", "--silent", "--show-error", "--max-time", "20", "--socks5", $"{listeners[0]}", "--output", "/dev/null", "--write-out", "%{size_download}", http.Url(50_000));
        var dropped = await NetworkNamespaces.ExecAsync(outside, "curl", "--silent", "--show-error", "--max-time", "20", "--socks5", $"{listeners[1]}", "--output", "/dev/null", http.Url(50_000));

        Assert.True(served.ExitCode == 0, served.StandardError);
        Assert.Equal("50000", served.StandardOutput);
        Assert.NotEqual(0, dropped.ExitCode);
        var records = await node.SessionRecordsAsync(2);
        Assert.Contains(records, r => r.GetProperty("client").GetString()!.StartsWith(InsideClient, StringComparison.Ordinal)
            && r.GetProperty("outcome").GetString() == "completed");
        Assert.Contains(records, r => r.GetProperty("client").GetString()!.StartsWith(OutsideClient, StringComparison.Ordinal)
            && r.GetProperty("outcome").GetString() == "client-refused"
            && r.GetProperty("rule").GetString() == "elsewhere");
    }
}
