using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Outsider review of issue 16 (att16c): a PROXY listener given in the object form at index 0 was silently
/// replaced by the shipped default "127.0.0.1:1080" (appsettings.json set index 0, and the binder reads a plain
/// value before the settings under it), so the node listened without PROXY protocol where nobody asked.
/// </summary>
public sealed class ListenerEntriesStartupTests
{
    [Fact]
    public async Task ObjectFormAtIndexZero_IsTheListener_AndRequiresAProxyHeader()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, TestPorts.Next());
        await using var node = await ExternalNodeProcess.StartAsync(endpoint.ToString(), new Dictionary<string, string>
        {
            ["FARM__SOCKS__LISTENERS__0__ENDPOINT"] = endpoint.ToString(),
            ["FARM__SOCKS__LISTENERS__0__PROXYPROTOCOL"] = "true",
            ["FARM__SOCKS__LISTENERS__0__TRUSTEDPROXIES__0"] = "127.0.0.1/32",
        });

        Assert.Equal(endpoint, node.Endpoint);

        // A SOCKS greeting where the PROXY header belongs: closed unanswered.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint);
        await client.SendAsync(new byte[] { 0x05, 0x01, 0x00 }, SocketFlags.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reply = new byte[2];
        int received;
        try
        {
            received = await client.ReceiveAsync(reply, SocketFlags.None, timeout.Token);
        }
        catch (SocketException)
        {
            received = 0;
        }

        Assert.True(received == 0, $"the listener answered a SOCKS greeting with no PROXY header: {Convert.ToHexString(reply, 0, received)}");
    }

    [Fact]
    public async Task EntryInBothForms_NodeExitsOneWithTheEntryInOneLine()
    {
        var (exitCode, diagnostics) = await ExternalNodeProcess.RunUntilExitAsync(
            new Dictionary<string, string>
            {
                ["FARM__SOCKS__LISTENERS__0"] = "127.0.0.1:0",
                ["FARM__SOCKS__LISTENERS__0__PROXYPROTOCOL"] = "true",
            },
            TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 1, $"exit code {exitCode}: {diagnostics}");
        Assert.Contains("farm-node: Farm:Socks:Listeners:0 is both the endpoint '127.0.0.1:0' and an entry with PROXYPROTOCOL", diagnostics, StringComparison.Ordinal);
    }
}
