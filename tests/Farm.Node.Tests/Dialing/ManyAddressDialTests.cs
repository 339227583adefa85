using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Dialing;

/// <summary>
/// Outsider review of issue 16, F1: a CONNECT to a name with many addresses whose hosts never answer
/// made the node open another socket every 250 ms for the whole connect timeout, so a few clients ran
/// it out of descriptors. The node now dials at most two of a name's addresses at once and at most
/// eight per request. Real node process, real DNS server, real listeners whose accept queue is full
/// (the kernel drops their SYNs, so a connect to them hangs).
/// </summary>
public sealed class ManyAddressDialTests
{
    private const int Addresses = 24;

    [Fact]
    public async Task ConnectToANameWithManyHangingAddresses_TheNodeHoldsAFewDialSocketsNotOneEach()
    {
        var port = TestPorts.Next();
        var answers = Enumerable.Range(10, Addresses).Select(i => IPAddress.Parse($"127.0.0.{i}")).ToList();
        await using var dns = new CountingDnsServer(answers);
        var listeners = new List<Socket>();
        var fillers = new List<Socket>();
        var policy = Path.GetTempFileName();
        try
        {
            foreach (var address in answers)
            {
                listeners.Add(await FullListener.StartAsync(new IPEndPoint(address, port), fillers));
            }

            await File.WriteAllTextAsync(policy, $"client pass from 127.0.0.0/8\npass connect to many.farm.test port {port} name many\n");
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true",
                ["FARM__RESOLVER__SERVERS__0"] = dns.Endpoint.ToString(),
                ["FARM__SOCKS__CONNECTTIMEOUT"] = "00:00:08",
            });
            await node.StartedSessionCapAsync();

            var probe = SocksProbe.Socks5Async(node.Endpoint, 0x01, "many.farm.test", port);
            var most = 0;
            var sampling = DateTime.UtcNow;
            while (!probe.IsCompleted && DateTime.UtcNow - sampling < TimeSpan.FromSeconds(30))
            {
                most = Math.Max(most, await ConnectsHangingAsync(port));
                await Task.Delay(100);
            }

            using var reply = await probe.WaitAsync(TimeSpan.FromSeconds(30));

            // Two dial attempts at once; before the cap, one more every 250 ms for the whole connect timeout.
            Assert.True(dns.QueriesFor("many.farm.test") > 0, "the node never asked the test DNS server");
            Assert.NotEqual(0x00, reply.Reply);
            Assert.InRange(most, 1, 2);
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
            listeners.ForEach(s => s.Dispose());
            File.Delete(policy);
        }
    }

    /// <summary>Sockets on this machine still sending their SYN to <paramref name="port"/>, as <c>ss</c> lists them (the test's own fillers are closed).</summary>
    private static async Task<int> ConnectsHangingAsync(int port)
    {
        var start = new System.Diagnostics.ProcessStartInfo("ss", ["-Htn", "state", "syn-sent", $"( dport = :{port} )"]) { RedirectStandardOutput = true };
        using var ss = System.Diagnostics.Process.Start(start)!;
        var output = await ss.StandardOutput.ReadToEndAsync();
        await ss.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
