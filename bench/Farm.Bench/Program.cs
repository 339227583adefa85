using System.Net;
using System.Runtime.InteropServices;
using Farm.Bench;
using Farm.Bench.Report;
using Farm.Bench.Servers;

const string Usage = """
    usage:
      Farm.Bench matrix --target direct --target NAME=HOST:PORT[@PID] ... [--rounds N] [--duration S]
                        [--warmup S] [--idle N] [--idle-extra NAME=N] [--idle-settle S] [--spread N]
                        [--scenarios bulk,connect,pingpong,idle] [--servers PORT[@PID]] [--out results.json]
      Farm.Bench serve PORT [--spread N]
      Farm.Bench auth-flood PROXY_HOST:PORT ECHO_HOST:PORT USER [SECONDS] [FLOOD_PER_SECOND]
      Farm.Bench soak --node NAME=HOST:PORT@PID ... [--minutes M] [--warmup-minutes W] [--sample-seconds S]
                      [--idle N] [--churn PER_S] [--datagrams PER_S] [--out samples.csv]
      Farm.Bench report results.json
    """;

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

try
{
    switch (args)
    {
        case ["matrix", .. var rest]:
            return await MatrixAsync(BenchOptions.Parse(rest), args, stop.Token);
        case ["serve", var port]:
            return await ServeAsync(int.Parse(port), new BenchOptions().Spread, stop.Token);
        case ["serve", var port, "--spread", var spread]:
            return await ServeAsync(int.Parse(port), int.Parse(spread), stop.Token);
        case ["auth-flood", var proxy, var echo, var user, .. var more]:
            var seconds = more.Length > 0 ? double.Parse(more[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
            var rate = more.Length > 1 ? int.Parse(more[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
            Console.WriteLine(await Farm.Bench.Scenarios.AuthFloodScenario.RunAsync(
                IPEndPoint.Parse(proxy), IPEndPoint.Parse(echo), user, TimeSpan.FromSeconds(seconds), rate, stop.Token));
            return 0;
        case ["soak", .. var soak]:
            return await new Farm.Bench.Soak.SoakRun(Farm.Bench.Soak.SoakOptions.Parse(soak), Console.Error).RunAsync(stop.Token);
        case ["report", var path]:
            var file = await ResultsFile.ReadAsync(path);
            Console.WriteLine(ResultsTable.Render(file.Results, file.Targets));
            return 0;
    }
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
}

Console.Error.WriteLine(Usage);
return 2;

static async Task<int> MatrixAsync(BenchOptions options, string[] args, CancellationToken ct)
{
    var started = DateTimeOffset.UtcNow;
    var addresses = Loopback.Addresses(options.Spread);
    await using var local = options.ServersPort is null ? new LoopbackServers(addresses) : null;
    var endpoints = local?.Endpoints ?? ServerEndpoints.At(addresses, options.ServersPort!.Value);
    var results = await new Matrix(options, endpoints, Console.Error).RunAsync(ct);
    var targets = options.Targets.Select(t => t.Name).ToList();
    if (options.Output is not null)
    {
        await new ResultsFile(started, ResultsFile.DescribeMachine(), Environment.ProcessorCount,
            RuntimeInformation.FrameworkDescription, args, targets, results).WriteAsync(options.Output);
    }

    Console.WriteLine(ResultsTable.Render(results, targets));
    return ct.IsCancellationRequested ? 130 : 0;
}

// A separate process for the servers halves the descriptors each process needs in the idle test:
// the hard limit here (20,000) cannot hold 2 x 9,000 sessions' sockets and the listeners in one process.
static async Task<int> ServeAsync(int basePort, int spread, CancellationToken ct)
{
    await using var servers = new LoopbackServers(Loopback.Addresses(spread), basePort);
    Console.WriteLine($"serving echo :{basePort} sink :{basePort + 1} source :{basePort + 2} on {spread} loopback addresses");
    try
    {
        // Bounded even if run.sh dies without its trap: a full run takes about 15 minutes.
        await Task.Delay(TimeSpan.FromMinutes(45), ct);
    }
    catch (OperationCanceledException)
    {
        // SIGTERM from run.sh: the normal way to stop.
    }

    return 0;
}
