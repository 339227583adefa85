using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Farm.IntegrationTests.Support;

namespace Farm.ChaosTests.Traffic;

/// <summary>
/// One SOCKS5 CONNECT to a <see cref="PacedSource"/> through one node that checks every byte against the
/// source's payload at its offset as it arrives, and the SHA-256 of the whole at the end: a cut session
/// is told apart from an altered one.
/// </summary>
public static class VerifiedSession
{
    /// <param name="progress">Told the bytes received so far after every read.</param>
    public static async Task<(SessionOutcome Outcome, long Bytes, string? Error)> RunAsync(string proxyAddress, int proxyPort, PacedSource source, TimeSpan timeout, Action<long>? progress = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        NetworkStream stream;
        try
        {
            await client.ConnectAsync(IPAddress.Parse(proxyAddress), proxyPort, deadline.Token);
            stream = client.GetStream();
            await stream.WriteAsync(new byte[] { 5, 1, 0 }, deadline.Token);
            await stream.ReadExactlyAsync(new byte[2], deadline.Token);
            var destination = source.Endpoint;
            byte[] request = [5, 1, 0, 1, .. destination.Address.GetAddressBytes(), (byte)(destination.Port >> 8), (byte)destination.Port];
            await stream.WriteAsync(request, deadline.Token);
            var reply = new byte[10];
            await stream.ReadExactlyAsync(reply, deadline.Token);
            if (reply[1] != 0)
            {
                return (SessionOutcome.Unavailable, 0, $"CONNECT refused with {reply[1]}");
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return (SessionOutcome.Unavailable, 0, e.Message);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var expected = source.Payload;
        var buffer = new byte[16384];
        long received = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                if (received + read > expected.Length || !buffer.AsSpan(0, read).SequenceEqual(expected.Span.Slice((int)received, read)))
                {
                    return (SessionOutcome.Corrupted, received + read, $"bytes {received}-{received + read} differ from the source's");
                }

                hash.AppendData(buffer, 0, read);
                received += read;
                progress?.Invoke(received);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return (SessionOutcome.Lost, received, e.Message);
        }

        if (received < expected.Length)
        {
            return (SessionOutcome.Lost, received, $"closed after {received} of {expected.Length} bytes");
        }

        return Convert.ToHexString(hash.GetHashAndReset()) == source.Sha256
            ? (SessionOutcome.Intact, received, null)
            : (SessionOutcome.Corrupted, received, "SHA-256 differs from the source's");
    }
}
