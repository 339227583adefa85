using System.Net;
using System.Net.Sockets;
using Farm.IntegrationTests.Support;

namespace Farm.ChaosTests.Traffic;

/// <summary>
/// A destination the policy refuses, asked for through every node several times a second while the
/// scenario runs. The destination is a real listener that counts what reaches it: a refused request never
/// connects, whatever the node answered.
/// </summary>
public sealed class ForbiddenProbe : IAsyncDisposable
{
    public const int MaxProbesPerNode = 1000;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly Task _accepts;
    private int _reached;
    private int _refused;
    private int _passed;

    public ForbiddenProbe()
    {
        _listener.Start(16);
        _accepts = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Connections that reached the forbidden destination.</summary>
    public int Reached => Volatile.Read(ref _reached);

    /// <summary>Requests a node refused (any reply but 0x00).</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Requests a node granted.</summary>
    public int Passed => Volatile.Read(ref _passed);

    public void Start(FarmHarness farm, IEnumerable<int> nodes) =>
        _loops.AddRange(nodes.Select(node => Task.Run(() => LoopAsync(farm.SocksAddress(node), farm.SocksPort(node)))));

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _listener.Stop();
        await _accepts;
        _stop.Dispose();
    }

    private async Task LoopAsync(string address, int port)
    {
        for (var i = 0; i < MaxProbesPerNode && !_stop.IsCancellationRequested; i++)
        {
            try
            {
                var reply = await Socks5Probe.ConnectReplyAsync(address, port, Endpoint);
                if (reply == 0)
                {
                    Interlocked.Increment(ref _passed);
                }
                else
                {
                    Interlocked.Increment(ref _refused);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The node is dead, frozen or draining: no answer is no pass.
            }

            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _reached);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                return;
            }
        }
    }
}
