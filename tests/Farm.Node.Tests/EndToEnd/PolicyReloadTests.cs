using System.Diagnostics;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>SIGHUP reloads the policy file of a real node process; an invalid file changes nothing.</summary>
public sealed class PolicyReloadTests
{
    private const int CurlProxyHandshakeFailed = 97;

    [Fact]
    public async Task Sighup_NewFileEnforcedForNewSessions_OpenSessionKept_InvalidFileRefused()
    {
        await using var http = new LoopbackHttpServer();
        await using var echo = new LoopbackEchoServer();
        var policyFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(policyFile, "client pass from 127.0.0.0/8\npass connect to 127.0.0.1\n");
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string> { ["FARM__POLICY__FILE"] = policyFile });
            var proxy = $"{node.Endpoint.Address}:{node.Endpoint.Port}";
            Assert.Equal(0, (await Curl.GetAsync(http.Url(1000), "--socks5", proxy)).ExitCode);
            using var open = await RawClient.ConnectAsync(node.Endpoint);
            var port = (ushort)echo.Endpoint.Port;
            await open.SendAsync(0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
            await open.ReceiveExactlyAsync(12);

            // SIGHUP writes the version after the one the node enforces: the seed first.
            await WaitForAsync(node, "Enforcing farm policy version 1");
            await File.WriteAllTextAsync(policyFile, $"client pass from 127.0.0.0/8\npass connect to 127.0.0.1 port {echo.Endpoint.Port}\n");
            await HangUpAsync(node);
            await WaitForAsync(node, "Enforcing farm policy version 2");

            Assert.Equal(CurlProxyHandshakeFailed, (await Curl.GetAsync(http.Url(1000), "--socks5", proxy)).ExitCode);
            await open.SendAsync("kept"u8.ToArray());
            Assert.Equal("kept"u8.ToArray(), await open.ReceiveExactlyAsync(4));

            await File.WriteAllTextAsync(policyFile, "client pass from 127.0.0.0/8\npass connect to 300.1.2.3\n");
            await HangUpAsync(node);
            await WaitForAsync(node, "refused, version");

            Assert.Contains(":2:", node.Diagnostics[node.Diagnostics.IndexOf("refused, version", StringComparison.Ordinal)..]);
            Assert.Equal(CurlProxyHandshakeFailed, (await Curl.GetAsync(http.Url(1000), "--socks5", proxy)).ExitCode);
            await open.SendAsync("still"u8.ToArray());
            Assert.Equal("still"u8.ToArray(), await open.ReceiveExactlyAsync(5));
        }
        finally
        {
            File.Delete(policyFile);
        }
    }

    private static async Task HangUpAsync(ExternalNodeProcess node)
    {
        using var kill = Process.Start("kill", ["-HUP", $"{node.ProcessId}"]);
        await kill.WaitForExitAsync();
    }

    private static async Task WaitForAsync(ExternalNodeProcess node, string text)
    {
        for (var i = 0; i < 200 && !node.Diagnostics.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        Assert.Contains(text, node.Diagnostics);
    }
}
