using System.Diagnostics;
using Farm.Bench.Client;
using Farm.Bench.Measure;
using Farm.Bench.Scenarios;
using Farm.Bench.Servers;

namespace Farm.Bench;

/// <summary>
/// Runs every scenario against every target, round after round, targets interleaved within each
/// scenario (A B C D, A B C D, ...) so that machine noise hits all of them alike.
/// </summary>
public sealed class Matrix(BenchOptions options, ServerEndpoints servers, TextWriter progress)
{
    public const int ConnectWorkers = 64;
    public const int PingPongSessions = 16;
    public const int PingPongBytes = 64;

    // A scenario that has not finished this long after its planned end is abandoned and reported as an error.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);

    private readonly List<ScenarioResult> _results = [];
    private readonly Dictionary<string, MemorySample> _coldBaselines = [];
    private readonly Dictionary<string, MemorySample> _baselines = [];
    private readonly Dictionary<string, Dialer> _dialers = options.Targets.ToDictionary(
        t => t.Name, t => new Dialer(t, Loopback.Sources(options.Spread)));

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken ct)
    {
        foreach (var target in options.Targets)
        {
            _coldBaselines[target.Name] = target.Pid is { } pid ? MemorySample.Of(pid) : default;
        }

        // One-time costs (a JIT compiling the session path, Dante's process pool) are not per
        // session: a few sessions opened, used and closed on every proxy before the warm baseline.
        if (options.Scenarios.Contains("idle") && options.IdleWarmup > 0)
        {
            foreach (var target in options.Targets.Where(t => !t.IsDirect))
            {
                await IdleScenario.RunAsync(_dialers[target.Name], servers.Echo, options.IdleWarmup, TimeSpan.Zero, default, default, ct);
            }

            await Task.Delay(options.IdleSettle, ct);
        }

        foreach (var target in options.Targets)
        {
            _baselines[target.Name] = target.Pid is { } pid ? MemorySample.Of(pid) : default;
        }

        // The idle tests come first, once per proxy, on fresh processes: memory per session is a
        // high-water mark that a second run on the same process would not see again (see IdleScenario),
        // and the connection-rate test would fill the loopback port space with TIME_WAIT first
        // (Dante's bind-before-connect fails on it for 60 s).
        if (options.Scenarios.Contains("idle"))
        {
            foreach (var target in options.Targets.Where(t => !t.IsDirect))
            {
                await RunOneAsync(1, target, ScenarioNames.Idle(options.IdleSessions), ct);
            }

            foreach (var (name, sessions) in options.IdleExtra)
            {
                var target = options.Targets.FirstOrDefault(t => t.Name == name)
                    ?? throw new ArgumentException($"--idle-extra names unknown target {name}");
                await RunOneAsync(1, target, ScenarioNames.Idle(sessions), ct);
            }
        }

        if (options.Warmup > TimeSpan.Zero)
        {
            // Not recorded: gives every target (and this process's JIT) the same warm start.
            var recorded = _results.Count;
            foreach (var target in options.Targets)
            {
                await RunOneAsync(0, target, ScenarioNames.Bulk16Up, ct);
                await RunOneAsync(0, target, ScenarioNames.ConnectRate, ct);
            }

            _results.RemoveRange(recorded, _results.Count - recorded);
        }

        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var scenario in Planned())
            {
                foreach (var target in options.Targets)
                {
                    await RunOneAsync(round, target, scenario, ct);
                }
            }

            AddCpuPerGb(round);
        }

        return _results;
    }

    private IEnumerable<string> Planned()
    {
        if (options.Scenarios.Contains("bulk"))
        {
            foreach (var bulk in ScenarioNames.Bulk)
            {
                yield return bulk;
            }
        }

        if (options.Scenarios.Contains("connect"))
        {
            yield return ScenarioNames.ConnectRate;
        }

        if (options.Scenarios.Contains("pingpong"))
        {
            yield return ScenarioNames.PingPong;
        }
    }

    private async Task RunOneAsync(int round, Target target, string scenario, CancellationToken ct)
    {
        var duration = round == 0 ? options.Warmup : options.Duration;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(duration + Grace);

        var proxyCpu0 = target.Pid is { } p0 ? ProcessTree.TreeCpuSplit(p0) : default;
        var machine0 = MachineCpu.BusySeconds();
        var serversCpu0 = options.ServersPid is { } s0 ? ProcessTree.CpuSeconds(s0) : 0;
        var generator0 = ProcessTree.CpuSplit(Environment.ProcessId);
        var start = Stopwatch.GetTimestamp();
        Metrics metrics;
        string? error = null;
        try
        {
            metrics = await RunScenarioAsync(_dialers[target.Name], scenario, duration, limit.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            metrics = [];
            error = $"{e.GetType().Name}: {e.Message}";
        }

        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var machine = MachineCpu.BusySeconds() - machine0;
        var generator = ProcessTree.CpuSplit(Environment.ProcessId);
        metrics["wall_s"] = wall;
        metrics["generator_user_s"] = generator.User - generator0.User;
        metrics["generator_system_s"] = generator.System - generator0.System;
        metrics["generator_cores"] = (generator.User + generator.System - generator0.User - generator0.System) / wall;
        if (options.ServersPid is { } s1)
        {
            metrics["servers_cores"] = (ProcessTree.CpuSeconds(s1) - serversCpu0) / wall;
        }

        var connections = metrics.GetValueOrDefault("connections");
        if (connections > 0)
        {
            metrics["machine_cores"] = machine / wall;
            metrics["machine_us_per_conn"] = machine * 1e6 / connections;
        }

        if (target.Pid is { } p1)
        {
            var (user, system) = ProcessTree.TreeCpuSplit(p1);
            var proxyUser = user - proxyCpu0.User;
            var proxySystem = system - proxyCpu0.System;
            metrics["proxy_cpu_s"] = proxyUser + proxySystem;
            metrics["proxy_cores"] = (proxyUser + proxySystem) / wall;
            if (connections > 0)
            {
                metrics["proxy_user_us_per_conn"] = proxyUser * 1e6 / connections;
                metrics["proxy_system_us_per_conn"] = proxySystem * 1e6 / connections;
            }
        }

        var result = new ScenarioResult(round, target.Name, scenario, DateTimeOffset.UtcNow, metrics, error);
        _results.Add(result);
        progress.WriteLine($"round {round} {target.Name,-12} {scenario,-14} {Summary(result)}");
    }

    private Task<Metrics> RunScenarioAsync(Dialer dialer, string scenario, TimeSpan duration, CancellationToken ct) => scenario switch
    {
        ScenarioNames.Bulk1Up => BulkScenario.RunAsync(dialer, servers.Sink, 1, upload: true, duration, ct),
        ScenarioNames.Bulk1Down => BulkScenario.RunAsync(dialer, servers.Source, 1, upload: false, duration, ct),
        ScenarioNames.Bulk16Up => BulkScenario.RunAsync(dialer, servers.Sink, 16, upload: true, duration, ct),
        ScenarioNames.Bulk16Down => BulkScenario.RunAsync(dialer, servers.Source, 16, upload: false, duration, ct),
        ScenarioNames.ConnectRate => ConnectRateScenario.RunAsync(dialer, servers.Echo, ConnectWorkers, duration, ct),
        ScenarioNames.PingPong => PingPongScenario.RunAsync(dialer, servers.Echo, PingPongSessions, PingPongBytes, duration, ct),
        _ when scenario.StartsWith(ScenarioNames.IdlePrefix, StringComparison.Ordinal) =>
            IdleScenario.RunAsync(dialer, servers.Echo, int.Parse(scenario[ScenarioNames.IdlePrefix.Length..]), options.IdleSettle, _coldBaselines[dialer.Target.Name], _baselines[dialer.Target.Name], ct),
        _ => throw new ArgumentException($"unknown scenario {scenario}"),
    };

    /// <summary>CPU seconds of the proxy per 10^9 payload bytes, over all bulk runs of the round.</summary>
    private void AddCpuPerGb(int round)
    {
        foreach (var target in options.Targets.Where(t => t.Pid is not null))
        {
            var bulk = _results.Where(r => r.Round == round && r.Target == target.Name && r.Error is null
                && ScenarioNames.Bulk.Contains(r.Scenario)).ToList();
            var bytes = bulk.Sum(r => r.Metrics["bytes"]);
            if (bytes > 0)
            {
                var cpu = bulk.Sum(r => r.Metrics["proxy_cpu_s"]);
                _results.Add(new ScenarioResult(round, target.Name, ScenarioNames.CpuPerGb, DateTimeOffset.UtcNow,
                    new Metrics { ["proxy_cpu_s"] = cpu, ["bytes"] = bytes, ["s_per_gb"] = cpu / (bytes / 1e9) }, null));
            }
        }
    }

    private static string Summary(ScenarioResult r)
    {
        if (r.Error is not null)
        {
            return "ERROR " + r.Error;
        }

        var m = r.Metrics;
        return r.Scenario switch
        {
            ScenarioNames.ConnectRate => $"{m["conn_per_s"],9:F0} conn/s  p50 {m["hs_p50_ms"]:F2} ms  p99 {m["hs_p99_ms"]:F2} ms  failures {m["failures"]}  gen {m["generator_cores"]:F2} cores",
            ScenarioNames.PingPong => $"p50 {m["rtt_p50_us"]:F0} us  p99 {m["rtt_p99_us"]:F0} us  p999 {m["rtt_p999_us"]:F0} us  {m["exchanges_per_s"]:F0}/s",
            _ when m.ContainsKey("mb_per_s") => $"{m["mb_per_s"],9:F0} MB/s  gen {m["generator_cores"]:F2} cores  proxy {m.GetValueOrDefault("proxy_cores"):F2} cores",
            _ => $"opened {m["opened"]} usable {m["usable"]} of {m["sessions"]}  {m.GetValueOrDefault("rss_kib_per_session"):F1} KiB/session RSS  {m.GetValueOrDefault("pss_kib_per_session"):F1} KiB PSS  open {m["open_s"]:F1} s",
        };
    }
}
