using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Farm.IntegrationTests.Support;

/// <summary>A SOCKS5 CONNECT to a <see cref="PacedSource"/> that reads to the end and hashes what arrived.</summary>
public sealed class SocksDownload
{
    private long _received;

    /// <summary>Bytes received so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Connects through the proxy and reads until the source closes, the connection breaks or <paramref name="timeout"/> passes.</summary>
    public async Task<(long Bytes, string Sha256, string? Error)> RunAsync(string proxyAddress, int proxyPort, IPEndPoint destination, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await client.ConnectAsync(IPAddress.Parse(proxyAddress), proxyPort, deadline.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(new byte[] { 5, 1, 0 }, deadline.Token);
            await stream.ReadExactlyAsync(new byte[2], deadline.Token);
            byte[] request = [5, 1, 0, 1, .. destination.Address.GetAddressBytes(), (byte)(destination.Port >> 8), (byte)destination.Port];
            await stream.WriteAsync(request, deadline.Token);
            var reply = new byte[10];
            await stream.ReadExactlyAsync(reply, deadline.Token);
            if (reply[1] != 0)
            {
                return (0, string.Empty, $"CONNECT refused with {reply[1]}");
            }

            var buffer = new byte[16384];
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                Interlocked.Add(ref _received, read);
            }

            return (Received, Convert.ToHexString(hash.GetHashAndReset()), null);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return (Received, Convert.ToHexString(hash.GetHashAndReset()), e.Message);
        }
    }
}
