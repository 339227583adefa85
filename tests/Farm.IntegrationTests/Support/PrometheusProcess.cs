using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// Debian's real <c>prometheus</c> as a child process, run with the repository's
/// ops/prometheus configuration pointed at a test lighthouse: its own storage directory and a free
/// loopback port. Killed by process id when disposed.
/// </summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly HttpClient _http;
    private readonly List<string> _lines = [];

    private PrometheusProcess(Process process, DirectoryInfo directory, string address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        _http = new HttpClient { BaseAddress = new Uri($"http://{address}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Address { get; }

    public int Pid => _process.Id;

    /// <summary>
    /// The repository's prometheus.yml with the lighthouse's service discovery address replaced by
    /// <paramref name="lighthouseTelemetry"/>, every interval shortened to <paramref name="interval"/>
    /// so a test sees scrapes, rule evaluations and discovery changes within seconds, and the rule
    /// files read from the repository itself (or from <paramref name="rulesDirectory"/>, a test's copy of
    /// them). Fails if the repository file no longer has a setting it rewrites, rather than silently
    /// testing something else.
    /// </summary>
    public static string ConfigFor(string lighthouseTelemetry, string interval, string? rulesDirectory = null)
    {
        var text = File.ReadAllText(RepoFiles.Path("ops", "prometheus", "prometheus.yml"));
        text = Rewrite(text, @"(?m)^(\s*scrape_interval:\s*)\S+", $"${{1}}{interval}");
        text = Rewrite(text, @"(?m)^(\s*evaluation_interval:\s*)\S+", $"${{1}}{interval}");
        text = Rewrite(text, @"(?m)^(\s*refresh_interval:\s*)\S+", $"${{1}}{interval}");
        text = Rewrite(text, @"http://lighthouse:9464/sd/prometheus", $"http://{lighthouseTelemetry}/sd/prometheus");

        // A test farm has one lighthouse: the second discovery source names it too (Prometheus keeps one of each target).
        text = Rewrite(text, @"http://lighthouse2:9464/sd/prometheus", $"http://{lighthouseTelemetry}/sd/prometheus");
        text = Rewrite(text, @"(?m)^(\s*-\s*)rules/", $"${{1}}{rulesDirectory ?? RepoFiles.Path("ops", "prometheus", "rules")}/");
        return text;
    }

    public static async Task<PrometheusProcess> StartAsync(string config)
    {
        var directory = Directory.CreateTempSubdirectory("farm-prometheus-");
        var configFile = Path.Combine(directory.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config);
        var address = $"127.0.0.1:{FreePorts.On("127.0.0.1")}";
        var start = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory.FullName,
        };
        foreach (var argument in new[]
                 {
                     $"--config.file={configFile}",
                     $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
                     $"--web.listen-address={address}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var prometheus = new PrometheusProcess(process, directory, address);
        process.OutputDataReceived += (_, e) => prometheus.Add(e.Data);
        process.ErrorDataReceived += (_, e) => prometheus.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await prometheus.WaitReadyAsync(TimeSpan.FromSeconds(20));
        return prometheus;
    }

    /// <summary>The active targets of the scrape, as Prometheus currently has them from discovery.</summary>
    public async Task<IReadOnlyList<Target>> ActiveTargetsAsync()
    {
        using var document = await GetAsync("api/v1/targets?state=active");
        return [.. document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(t => new Target(
            t.GetProperty("labels").GetProperty("instance").GetString()!,
            t.GetProperty("health").GetString()!,
            t.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            t.GetProperty("lastError").GetString() ?? ""))];
    }

    /// <summary>An instant query's result: one (labels, value) per series; an empty list is "no data".</summary>
    public async Task<IReadOnlyList<Sample>> QueryAsync(string expression)
    {
        using var document = await GetAsync($"api/v1/query?query={Uri.EscapeDataString(expression)}");
        var data = document.RootElement.GetProperty("data");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => [.. data.GetProperty("result").EnumerateArray().Select(s => new Sample(
                s.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                ParseValue(s.GetProperty("value")[1].GetString()!)))],
            "scalar" => [new Sample(new Dictionary<string, string>(), ParseValue(data.GetProperty("result")[1].GetString()!))],
            var other => throw new InvalidOperationException($"unexpected result type {other} for {expression}"),
        };
    }

    /// <summary>The values of <paramref name="label"/> on the series <paramref name="match"/> selects (Grafana's label_values).</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(string label, string match)
    {
        using var document = await GetAsync($"api/v1/label/{label}/values?match[]={Uri.EscapeDataString(match)}");
        return [.. document.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString()!)];
    }

    /// <summary>Every rule Prometheus loaded, with its group, kind, query and evaluation health.</summary>
    public async Task<IReadOnlyList<Rule>> RulesAsync()
    {
        using var document = await GetAsync("api/v1/rules");
        return [.. document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray().Select(r => new Rule(
            g.GetProperty("name").GetString()!,
            r.GetProperty("type").GetString()!,
            r.GetProperty("name").GetString()!,
            r.GetProperty("query").GetString()!,
            r.GetProperty("health").GetString()!,
            r.TryGetProperty("lastError", out var error) ? error.GetString() ?? "" : "")))];
    }

    /// <summary>Every alert Prometheus holds now (pending or firing), from <c>/api/v1/alerts</c>.</summary>
    public async Task<IReadOnlyList<Alert>> AlertsAsync()
    {
        using var document = await GetAsync("api/v1/alerts");
        return [.. document.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a => new Alert(
            a.GetProperty("labels").GetProperty("alertname").GetString()!,
            a.GetProperty("state").GetString()!,
            a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            a.GetProperty("annotations").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)))];
    }

    public string Tail(int count)
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines.TakeLast(count));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // The storage directory is temporary; a file still being released does not matter.
        }
    }

    private static string Rewrite(string text, string pattern, string replacement)
    {
        var regex = new Regex(pattern);
        return regex.IsMatch(text) ? regex.Replace(text, replacement) : throw new InvalidOperationException($"ops/prometheus/prometheus.yml has nothing matching {pattern}");
    }

    // Prometheus writes special floats as NaN, +Inf and -Inf.
    private static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    private async Task<JsonDocument> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"prometheus GET {path}: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body);
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:{Environment.NewLine}{Tail(20)}");
            }

            try
            {
                using var response = await _http.GetAsync("-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"prometheus not ready within {timeout.TotalSeconds} s:{Environment.NewLine}{Tail(20)}");
            }

            await Task.Delay(100);
        }
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }

    public sealed record Target(string Instance, string Health, IReadOnlyDictionary<string, string> Labels, string LastError);

    public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Alert(string Name, string State, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations);

    public sealed record Rule(string Group, string Type, string Name, string Query, string Health, string LastError);
}
