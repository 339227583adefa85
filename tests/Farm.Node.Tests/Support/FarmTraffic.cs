namespace Farm.Node.Tests.Support;

/// <summary>A little of every kind of session, so that each metric family has samples.</summary>
public static class FarmTraffic
{
    public static async Task SendAsync(FarmNodeHost node, LoopbackHttpServer http)
    {
        foreach (var (mode, host) in new[] { ("--socks5", "127.0.0.1"), ("--socks5-hostname", "localhost"), ("--socks4", "127.0.0.1"), ("--socks4a", "localhost") })
        {
            var download = await Curl.GetAsync(http.Url(10_000, host), mode, node.ProxyAddress);
            Assert.True(download.ExitCode == 0, download.Error);
        }

        using (var garbage = await RawClient.ConnectAsync(node.Endpoint))
        {
            await garbage.SendAsync(0x47, 0x45, 0x54);
            await garbage.ReceiveUntilClosedAsync();
        }

        await node.SessionRecordsAsync(5);
    }
}
