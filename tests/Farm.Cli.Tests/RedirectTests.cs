using System.Net;
using System.Net.Sockets;
using System.Text;
using Farm.Cli.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Cli.Tests;

/// <summary>
/// A listener on a member's admin address that answers with a redirect: farmctl follows nothing, so the
/// policy it was sending (route passwords included) never reaches the address the redirect names.
/// </summary>
public sealed class RedirectTests
{
    [Fact]
    public async Task PolicyApply_ToAListenerThatRedirects_NotFollowed_BodyNeverReachesTheTarget()
    {
        await using var target = new RecordingListener(new IPEndPoint(IPAddress.Loopback, TestPorts.Next()));
        using var redirector = new TcpListener(IPAddress.Loopback, TestPorts.Next());
        redirector.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var location = $"http://127.0.0.1:{((IPEndPoint)target.Endpoint).Port}/policy/apply";
        var answering = AnswerWithRedirectAsync(redirector, location, stop.Token);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "client pass from 127.0.0.0/8\nroute to *.partner.test via socks5 127.0.0.1:9 user farm password \"redirect-secret\"\n");

            var apply = await Farmctl.RunAsync($"127.0.0.1:{((IPEndPoint)redirector.LocalEndpoint).Port}", "--token", "t0ken", "policy", "apply", file);

            Assert.NotEqual(0, apply.ExitCode);
            Assert.Equal(0, target.Connections);
            Assert.DoesNotContain("redirect-secret", target.Received, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            await stop.CancelAsync();
            redirector.Stop();
            await answering;
        }
    }

    private static async Task AnswerWithRedirectAsync(TcpListener listener, string location, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop);
                var stream = client.GetStream();
                var buffer = new byte[8192];
                _ = await stream.ReadAsync(buffer, stop);
                var answer = $"HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
