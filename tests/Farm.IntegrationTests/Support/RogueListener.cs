using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// A process-local listener squatting a dead member's remoting address: it answers every connection
/// either with a TLS server handshake under a certificate from another CA, or with plain garbage
/// (no TLS at all), and counts the connections it accepted (each one a member dialing it).
/// </summary>
public sealed class RogueListener : IAsyncDisposable
{
    private static readonly byte[] Garbage = Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nServer: not-a-farm-member\r\n\r\n\0\x16\x03\x01garbage");

    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    private RogueListener(TcpListener listener, X509Certificate2? certificate)
    {
        _listener = listener;
        _certificate = certificate;
        _loop = AcceptLoopAsync();
    }

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Binds <paramref name="port"/> on 127.0.0.1, retrying for a while: the dead member's socket may linger.</summary>
    public static async Task<RogueListener> StartAsync(int port, X509Certificate2? certificate, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                return new RogueListener(listener, certificate);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                listener.Dispose();
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped while accepting: the listener is gone, which is all that is wanted.
        }

        _stop.Dispose();
        _certificate?.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                if (_certificate is null)
                {
                    await client.GetStream().WriteAsync(Garbage, timeout.Token);
                    return;
                }

                await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate, ClientCertificateRequired = true }, timeout.Token);
                await tls.ReadAtLeastAsync(new byte[256], 1, throwOnEndOfStream: false, timeout.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The dialing member gave up on this rogue: the expected end.
            }
        }
    }
}
