using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Outsider review of issue 16 (att16b, LOW): eviction records were not limited like refusal records, so
/// newcomers evicting a full node's handshakes wrote one record per eviction, as fast as they came. They
/// now count against the evicted source's records per second (Farm:SessionLog:RefusalsPerSourcePerSecond),
/// the rest told in the source's summary record.
/// </summary>
public sealed class EvictionRecordLimitTests
{
    private const int Cap = 100;
    private const int Newcomers = 50;
    private const int RecordsPerSecond = 5;

    [Fact]
    public async Task NewcomersEvictManyHandshakesOfOneSource_ItsEvictionRecordsAreLimitedAndSummarised()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var holder = addresses.Addresses[0];
        var telemetry = TestPorts.Next();
        var policy = Path.GetTempFileName();
        var held = new List<Socket>();
        try
        {
            await File.WriteAllTextAsync(policy, """
                client pass from 127.0.0.0/8
                client pass from 10.250.0.0/16
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
                ["FARM__SOCKS__MAXSESSIONS"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__MAXPENDINGHANDSHAKESPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__HANDSHAKETIMEOUT"] = "00:02:00",
                ["FARM__SESSIONLOG__REFUSALSPERSOURCEPERSECOND"] = RecordsPerSecond.ToString(CultureInfo.InvariantCulture),
            });

            for (var i = 0; i < Cap; i++)
            {
                held.Add(await IdleConnection.OpenAsync(node.Endpoint, holder, TimeSpan.FromSeconds(10)));
            }

            // Time for the node to admit all of them: it is full.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var started = DateTime.UtcNow;
            held.AddRange(await Task.WhenAll(Enumerable.Range(0, Newcomers).Select(_ => IdleConnection.OpenAsync(node.Endpoint, IPAddress.Loopback, TimeSpan.FromSeconds(10)))));
            var spent = DateTime.UtcNow - started;

            var evicted = 0d;
            var recorded = 0;
            var summarised = 0;
            for (var waited = 0; waited < 150; waited++)
            {
                await Task.Delay(200);
                evicted = (await PrometheusScrape.GetAsync(new Uri($"http://127.0.0.1:{telemetry}/"))).Value("farm_sessions_evicted_total", ("reason", "pending-handshake"));
                var records = node.SessionRecords().Where(r => r.GetProperty("client").GetString()!.StartsWith(holder.ToString(), StringComparison.Ordinal)).ToList();
                recorded = records.Count(r => r.GetProperty("outcome").GetString() == "evicted");
                summarised = records.Where(r => r.GetProperty("outcome").GetString() == "refusals-summarised").Sum(r => r.GetProperty("suppressed").GetInt32());
                if (evicted > 0 && recorded + summarised == (int)evicted)
                {
                    break;
                }
            }

            Assert.True(evicted >= Newcomers / 2, $"only {evicted} handshakes were evicted");
            Assert.Equal((int)evicted, recorded + summarised);
            Assert.InRange(recorded, 1, RecordsPerSecond * ((int)spent.TotalSeconds + 2));
            Assert.True(summarised > 0, $"{recorded} eviction records of one source in {spent}, none summarised");
        }
        finally
        {
            held.ForEach(socket => socket.Dispose());
            File.Delete(policy);
        }
    }
}
