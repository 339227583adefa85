using System.Diagnostics;
using System.Globalization;
using System.Net;
using Farm.Bench.Client;
using Farm.Bench.Measure;
using Farm.Bench.Servers;

namespace Farm.Bench.Soak;

/// <summary>
/// A soak: the four lanes on every node for the whole duration, each node's process sampled at a fixed period,
/// then the verdict on flatness and the load's totals. Exit 0 only when every gauge is flat and no byte arrived wrong.
/// </summary>
public sealed class SoakRun(SoakOptions options, TextWriter progress)
{
    private const int SourceAddresses = 8;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var addresses = Loopback.Addresses(2);
        await using var servers = new LoopbackServers(addresses);
        await using var udpEcho = new UdpEchoServer(addresses[0]);
        var destinations = new SoakDestinations(servers.Endpoints.Source[0], servers.Endpoints.Echo[1], udpEcho.Endpoint);

        var tallies = options.Nodes.ToDictionary(n => n.Name, _ => new SoakTally());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(options.Duration);
        var lanes = options.Nodes.Select(n =>
            new SoakLanes(new Dialer(n, Loopback.Sources(SourceAddresses)), options, tallies[n.Name], destinations).RunAsync(stop.Token)).ToList();

        var samples = await SampleAsync(tallies, stop.Token);
        await Task.WhenAll(lanes);

        var rows = SoakVerdict.Judge(samples, options.Warmup);
        Console.WriteLine(SoakVerdict.Render(rows));
        Console.WriteLine(Totals(tallies));
        var corrupted = tallies.Values.Sum(t => t.Corruptions);
        return ct.IsCancellationRequested ? 130 : rows.All(r => r.Flat) && corrupted == 0 && rows.Count > 0 ? 0 : 1;
    }

    private async Task<List<SoakSample>> SampleAsync(Dictionary<string, SoakTally> tallies, CancellationToken ct)
    {
        var samples = new List<SoakSample>();
        await using var csv = options.Output is null ? TextWriter.Null : new StreamWriter(options.Output);
        await csv.WriteLineAsync(SoakSample.CsvHeader);
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(options.SampleEvery);
        do
        {
            foreach (var node in options.Nodes)
            {
                var sample = new SoakSample(clock.Elapsed, node.Name, ProcessGauges.Of(node.Pid!.Value), SoakTotals.Of(tallies[node.Name]));
                samples.Add(sample);
                await csv.WriteLineAsync(sample.ToCsv());
                await progress.WriteLineAsync(sample.ToCsv());
            }

            await csv.FlushAsync(CancellationToken.None);
        }
        while (await timer.TickOrStopAsync(ct));

        return samples;
    }

    private static string Totals(Dictionary<string, SoakTally> tallies) => string.Join(Environment.NewLine, tallies.Select(t =>
        string.Create(CultureInfo.InvariantCulture,
            $"{t.Key}: {t.Value.BulkStreams} downloads ({t.Value.BulkBytes / 1e9:F2} GB), {t.Value.ChurnSessions} short sessions, " +
            $"{t.Value.IdleReplaced} idle sessions replaced ({t.Value.IdleOpen} open at the end), " +
            $"{t.Value.DatagramsEchoed}/{t.Value.DatagramsSent} datagrams echoed, {t.Value.Failures} failures, {t.Value.Corruptions} corrupted")));
}
