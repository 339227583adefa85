using System.Globalization;
using System.Net;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Logging;

/// <summary>
/// Outsider review of issue 16 (att16b, MED): the session log's queue had no bound, and with the log on
/// standard output and a reader that never reads (a stuck log shipper), the writer blocked and SIGTERM
/// did not end the node. Here the node's standard output is a pipe nobody reads.
/// </summary>
public sealed class StuckSessionLogTests
{
    private const int QueueLimit = 500;
    private const int Sessions = 3000;
    private const int Clients = 8;

    // What may sit outside the queue: the pipe's 64 KiB of records and the batch the writer is stuck on.
    private const int OutsideQueue = QueueLimit + 1000;
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task LogOnStandardOutputNobodyReads_QueueStaysBoundedAndSigtermEndsTheNode()
    {
        await using var echo = new LoopbackEchoServer();
        var telemetry = TestPorts.Next();
        await using var node = await ExternalNodeProcess.StartAsync(
            "127.0.0.1:0",
            new Dictionary<string, string>
            {
                ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true",
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
                ["FARM__SESSIONLOG__QUEUELIMIT"] = QueueLimit.ToString(CultureInfo.InvariantCulture),
                ["DOTNET_SHUTDOWNTIMEOUTSECONDS"] = ShutdownTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            },
            sessionLogToUnreadPipe: true);

        using var flood = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var served = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            for (var i = 0; i < Sessions / Clients && !flood.IsCancellationRequested; i++)
            {
                if (await ServedAsync(node.Endpoint, echo.Endpoint.Port))
                {
                    Interlocked.Increment(ref served);
                }
            }
        }));
        Assert.True(served >= Sessions * 9 / 10, $"only {served} of {Sessions} sessions were served");

        // Every record past the queue, the pipe and the stuck batch was dropped and counted, none kept in memory.
        var dropped = 0d;
        for (var waited = 0; waited < 50 && dropped < served - QueueLimit - OutsideQueue; waited++)
        {
            await Task.Delay(200);
            dropped = (await PrometheusScrape.GetAsync(new Uri($"http://127.0.0.1:{telemetry}/"))).Value("farm_session_records_dropped_total");
        }

        Assert.InRange(dropped, served - QueueLimit - OutsideQueue, served);

        var started = DateTime.UtcNow;
        Assert.True(
            await node.TerminateWithinAsync(ShutdownTimeout + TimeSpan.FromSeconds(20)),
            $"the node was still running {DateTime.UtcNow - started} after SIGTERM (shutdown timeout {ShutdownTimeout})");
    }

    private static async Task<bool> ServedAsync(IPEndPoint node, int port)
    {
        try
        {
            using var client = await RawClient.ConnectAsync(node);
            await client.SendAsync(0x05, 0x01, 0x00);
            await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(10));
            await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
            return (await client.ReceiveExactlyAsync(10, TimeSpan.FromSeconds(10)))[1] == 0x00;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }
}
