using System.Net;
using System.Net.Sockets;

namespace Farm.IntegrationTests.Support;

/// <summary>A granted SOCKS5 CONNECT kept open, so that a draining node has a session to wait for and stays in the cluster.</summary>
public sealed class HeldSession : IDisposable
{
    private readonly TcpClient _client;

    private HeldSession(TcpClient client) => _client = client;

    public static async Task<HeldSession> OpenAsync(string proxyAddress, int proxyPort, IPEndPoint destination)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(IPAddress.Parse(proxyAddress), proxyPort, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(new byte[] { 5, 1, 0 }, timeout.Token);
            await stream.ReadExactlyAsync(new byte[2], timeout.Token);
            byte[] request = [5, 1, 0, 1, .. destination.Address.GetAddressBytes(), (byte)(destination.Port >> 8), (byte)destination.Port];
            await stream.WriteAsync(request, timeout.Token);
            var reply = new byte[10];
            await stream.ReadExactlyAsync(reply, timeout.Token);
            return reply[1] == 0 ? new HeldSession(client) : throw new InvalidOperationException($"CONNECT refused with {reply[1]}");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the node closes the session (a read returns end of stream or fails).</summary>
    public async Task WaitClosedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            var buffer = new byte[256];
            while (await _client.GetStream().ReadAsync(buffer, deadline.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the node: closed all the same.
        }
    }

    public void Dispose() => _client.Dispose();
}
