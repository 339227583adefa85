using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Support;

/// <summary>
/// A node as its own process (the built Farm.Node.dll), optionally in a private mount namespace
/// whose /etc/hosts is the test's, so its resolver knows names the test process does not.
/// Killed by PID on dispose.
/// </summary>
public sealed partial class ExternalNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly System.Text.StringBuilder _log;

    private ExternalNodeProcess(Process process, string directory, IPEndPoint endpoint, System.Text.StringBuilder log)
    {
        _process = process;
        _log = log;
        _directory = directory;
        Endpoint = endpoint;
    }

    public IPEndPoint Endpoint { get; }

    public int ProcessId => _process.Id;

    /// <summary>Everything the node wrote to standard error (its diagnostics) so far.</summary>
    public string Diagnostics
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The first diagnostics line matching <paramref name="pattern"/>, waiting for it up to 30 s.</summary>
    public async Task<Match> WaitForDiagnosticAsync(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        for (var waited = 0; waited < 300; waited++)
        {
            if (pattern.Match(Diagnostics) is { Success: true } match)
            {
                return match;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the node wrote no line matching {pattern} within 30 s: {Diagnostics}");
    }

    /// <summary>The session cap the node states once it has started and measured its descriptors.</summary>
    public async Task<int> StartedSessionCapAsync() =>
        int.Parse((await WaitForDiagnosticAsync(StartedCapsLine())).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The session records the node has written so far.</summary>
    public IReadOnlyList<System.Text.Json.JsonElement> SessionRecords()
    {
        var path = Path.Combine(_directory, "sessions.jsonl");
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var records = new List<System.Text.Json.JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))
            {
                records.Add(System.Text.Json.JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return records;
    }

    /// <param name="descriptorLimit">When set, the node runs under <c>prlimit --nofile=N:N</c> (soft and hard).</param>
    /// <param name="sessionLogToUnreadPipe">The session log goes to standard output, a pipe this process never reads (a stuck log shipper).</param>
    /// <param name="resolvConf">When set, the node's system resolver reads this <c>/etc/resolv.conf</c> (bound in a private mount namespace).</param>
    public static async Task<ExternalNodeProcess> StartAsync(string listener, IDictionary<string, string> environment, string? hosts = null, int? descriptorLimit = null, bool sessionLogToUnreadPipe = false, string? resolvConf = null)
    {
        if ((hosts is not null || resolvConf is not null) && descriptorLimit is not null)
        {
            throw new ArgumentException("a private /etc/hosts or /etc/resolv.conf and a descriptor limit are not combined", nameof(descriptorLimit));
        }

        var directory = Directory.CreateTempSubdirectory("farm-node-process-").FullName;
        var dll = Path.Combine(AppContext.BaseDirectory, "Farm.Node.dll");
        var start = new ProcessStartInfo
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (descriptorLimit is { } limit)
        {
            start.FileName = "prlimit";
            start.ArgumentList.Add($"--nofile={limit}:{limit}");
            start.ArgumentList.Add("dotnet");
            start.ArgumentList.Add(dll);
        }
        else if (hosts is null && resolvConf is null)
        {
            start.FileName = "dotnet";
            start.ArgumentList.Add(dll);
        }
        else
        {
            var mounts = new List<string>();
            foreach (var (text, name) in new[] { (hosts, "hosts"), (resolvConf, "resolv.conf") })
            {
                if (text is not null)
                {
                    var file = Path.Combine(directory, name);
                    await File.WriteAllTextAsync(file, text);
                    mounts.Add($"mount --bind '{file}' /etc/{name} && ");
                }
            }

            start.FileName = "unshare";
            foreach (var argument in new[] { "--mount", "--propagation", "private", "sh", "-c", $"{string.Concat(mounts)}exec dotnet '{dll}'" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        SetEnvironment(start, directory, listener, environment);
        if (sessionLogToUnreadPipe)
        {
            start.Environment.Remove("FARM__SESSIONLOG__PATH");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the node process");
        var bound = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                bound.TrySetException(new InvalidOperationException($"the node exited: {log}"));
                return;
            }

            lock (log)
            {
                log.AppendLine(line.Data);
            }

            if (ListenerLine().Match(line.Data) is { Success: true } match)
            {
                bound.TrySetResult(IPEndPoint.Parse(match.Groups[1].Value));
            }
        };
        process.BeginErrorReadLine();
        if (!sessionLogToUnreadPipe)
        {
            process.BeginOutputReadLine();
        }

        try
        {
            // A loaded CI machine (several test assemblies starting nodes at once) has taken over 30 s.
            return new ExternalNodeProcess(process, directory, await bound.Task.WaitAsync(TimeSpan.FromSeconds(90)), log);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Starts a node that is expected to stop by itself; its exit code and diagnostics, or a failure after <paramref name="deadline"/>.</summary>
    public static async Task<(int ExitCode, string Diagnostics)> RunUntilExitAsync(IDictionary<string, string> environment, TimeSpan deadline)
    {
        var directory = Directory.CreateTempSubdirectory("farm-node-process-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Farm.Node.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        SetEnvironment(start, directory, "127.0.0.1:0", environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the node process");
        try
        {
            var errors = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(deadline);
            return (process.ExitCode, await errors);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The node's exit code once it has exited by itself; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Sends SIGTERM and waits up to <paramref name="within"/>: true when the node exited in that time.</summary>
    public async Task<bool> TerminateWithinAsync(TimeSpan within)
    {
        using var term = Process.Start("kill", ["-TERM", $"{_process.Id}"]);
        await term.WaitForExitAsync();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(within);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, as an operator stops a node: it leaves the cluster before it exits.</summary>
    public async Task StopAsync()
    {
        using var term = Process.Start("kill", ["-TERM", $"{_process.Id}"]);
        await term.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static void SetEnvironment(ProcessStartInfo start, string directory, string listener, IDictionary<string, string> environment)
    {
        // A test that configures listener 0 in the object form gets that alone.
        if (!environment.Keys.Any(key => key.StartsWith("FARM__SOCKS__LISTENERS__0__", StringComparison.Ordinal)))
        {
            start.Environment["FARM__SOCKS__LISTENERS__0"] = listener;
        }

        start.Environment["FARM__SESSIONLOG__PATH"] = Path.Combine(directory, "sessions.jsonl");
        start.Environment["FARM__ADMIN__LISTEN"] = "127.0.0.1:0";
        start.Environment["FARM__ADMIN__TOKEN"] = AdminTestToken.Value;
        start.Environment["FARM__TELEMETRY__LISTEN"] = "127.0.0.1:0";
        start.Environment["FARM__CLUSTER__PORT"] = "0";
        start.Environment["FARM__CLUSTER__DATADIRECTORY"] = Path.Combine(directory, "ddata");
        foreach (var (key, value) in TestCertificates.Environment())
        {
            start.Environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
    }

    [GeneratedRegex(@"SOCKS listener on (\S+)")]
    private static partial Regex ListenerLine();

    [GeneratedRegex(@"open at start .*: sessions (\d+) ")]
    private static partial Regex StartedCapsLine();
}
