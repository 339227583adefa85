using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Dials a peer's remoting address and runs the TLS handshake Akka's transport would, with this
/// member's certificate, then hangs up. A listener that is not a farm member (another CA, plain TCP,
/// silence) fails here, in Farm's code, instead of in Akka's transport, which answers an outbound
/// handshake failure by shutting the whole member down. The certificate there must also name the
/// dialed host: a farm certificate proves a member only at the address it was issued for.
/// </summary>
public sealed class PeerCertificateProbe(ClusterTlsMaterial material, TimeSpan timeout)
{
    public async Task<PeerProbeResult> ProbeAsync(string host, int port, CancellationToken cancellation)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        SslStream? tls = null;
        try
        {
            try
            {
                await socket.ConnectAsync(host, port, deadline.Token);
            }
            catch (SocketException e)
            {
                return PeerProbeResult.NoListener($"cannot connect: {e.SocketErrorCode}");
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                return PeerProbeResult.NoListener($"no connection within {timeout.TotalSeconds:0.#} s");
            }

            string? problem = null;
            IReadOnlySet<string>? roles = null;
            tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = host,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => material.Certificate,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    problem = FarmCertificateValidator.Problem(certificate, errors, material.Authority);
                    if (problem is null && certificate is not null)
                    {
                        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                        roles = CertificateRoles.Of(presented);

                        // A farm certificate for another host at this address: not the member the address belongs to.
                        problem = CertificateHosts.Names(presented, host) ? null : $"certificate {presented.Subject} does not name {host}";
                    }

                    return problem is null;
                },
            };
            try
            {
                await tls.AuthenticateAsClientAsync(options, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                return PeerProbeResult.Refused($"no TLS handshake within {timeout.TotalSeconds:0.#} s");
            }
            catch (Exception e) when (e is AuthenticationException or IOException or SocketException)
            {
                return PeerProbeResult.Refused(problem ?? $"TLS handshake failed: {e.Message}");
            }

            // The association goes ahead at once; the probe's connection ends on its own.
            _ = HangUpAsync(tls, socket);
            tls = null;
            socket = null;
            return PeerProbeResult.Pass(roles ?? new HashSet<string>());
        }
        finally
        {
            tls?.Dispose();
            socket?.Dispose();
        }
    }

    /// <summary>
    /// Ends the connection so the peer's side of the handshake completes too: close_notify, then FIN, then
    /// read to the end (bounded). Closing with bytes unread (a TLS 1.3 session ticket) would send a reset,
    /// and the peer, losing our last handshake bytes with it, would log a failed handshake for every probe.
    /// </summary>
    private static async Task HangUpAsync(SslStream tls, Socket socket)
    {
        using var bound = new CancellationTokenSource(HangUpBound);
        try
        {
            await tls.ShutdownAsync();
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[1024];
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer passed the handshake; how it hangs up does not change that.
        }
        finally
        {
            await tls.DisposeAsync();
            socket.Dispose();
        }
    }

    private static readonly TimeSpan HangUpBound = TimeSpan.FromSeconds(5);
}
