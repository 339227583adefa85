using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// One farm member (lighthouse or node) running as its own process from the built dll, configured by
/// <c>FARM__...</c> variables. Every line it writes is kept with the time it was read.
/// </summary>
public sealed partial class MemberProcess
{
    private readonly Process _process;
    private readonly Stopwatch _clock;
    private readonly List<OutputLine> _lines = [];

    private MemberProcess(string name, Process process, Stopwatch clock)
    {
        Name = name;
        _process = process;
        _clock = clock;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int LineCount
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>Starts <paramref name="dll"/>; in network namespace <paramref name="netns"/> when given (<c>ip netns exec</c> keeps the process id).</summary>
    public static MemberProcess Start(string name, string dll, IReadOnlyDictionary<string, string> environment, Stopwatch clock, string? netns = null)
    {
        var start = new ProcessStartInfo(netns is null ? "dotnet" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var argument in netns is null ? [dll] : (string[])["netns", "exec", netns, "dotnet", dll])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var member = new MemberProcess(name, process, clock);
        process.OutputDataReceived += (_, e) => member.Add(e.Data);
        process.ErrorDataReceived += (_, e) => member.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return member;
    }

    public void Hangup() => Signals.Send(Pid, Signals.Hangup);

    /// <summary>SIGTERM, as <c>docker compose stop</c> and <c>systemctl stop</c> send it; no waiting.</summary>
    public void Terminate() => Signals.Send(Pid, Signals.Terminate);

    /// <summary>SIGSTOP: the process is frozen with its sockets open, as a machine that went silent.</summary>
    public void Freeze() => Signals.Send(Pid, Signals.Stop);

    public void Thaw()
    {
        if (!_process.HasExited)
        {
            Signals.Send(Pid, Signals.Continue);
        }
    }

    /// <summary>Waits for the process to exit by itself; false when it has not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM and a bounded wait for the graceful shutdown, then SIGKILL.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        Signals.Send(Pid, Signals.Terminate);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            KillHard();
        }
    }

    /// <summary>Waits for a line from index <paramref name="from"/> on that matches, and returns it.</summary>
    public async Task<OutputLine> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, int from = 0)
    {
        var deadline = _clock.Elapsed + timeout;
        var next = from;
        while (true)
        {
            lock (_lines)
            {
                for (; next < _lines.Count; next++)
                {
                    if (match(_lines[next].Text))
                    {
                        return _lines[next];
                    }
                }
            }

            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{Name}: no matching line within {timeout.TotalSeconds} s; last lines:{Environment.NewLine}{Tail(15)}");
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}; last lines:{Environment.NewLine}{Tail(30)}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Waits until this member logs that it enforces a farm policy version of at least <paramref name="version"/>.</summary>
    public async Task<(long Version, OutputLine Line)> WaitForPolicyAsync(long version, TimeSpan timeout, int from = 0)
    {
        var line = await WaitForLineAsync(t => EnforcedVersion(t) >= version, timeout, from);
        return (EnforcedVersion(line.Text)!.Value, line);
    }

    /// <summary>The highest farm policy version this member has logged so far (0: none).</summary>
    public long LatestPolicyVersion()
    {
        lock (_lines)
        {
            return _lines.Select(l => EnforcedVersion(l.Text) ?? 0).DefaultIfEmpty(0).Max();
        }
    }

    /// <summary>Whether any line so far matches.</summary>
    public bool HasLine(Func<string, bool> match)
    {
        lock (_lines)
        {
            return _lines.Any(l => match(l.Text));
        }
    }

    /// <summary>How many lines so far match.</summary>
    public int CountLines(Func<string, bool> match)
    {
        lock (_lines)
        {
            return _lines.Count(l => match(l.Text));
        }
    }

    /// <summary>The first line so far that matches, or null.</summary>
    public string? FirstLine(Func<string, bool> match)
    {
        lock (_lines)
        {
            return _lines.FirstOrDefault(l => match(l.Text))?.Text;
        }
    }

    public string Tail(int count)
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines.TakeLast(count).Select(l => l.Text.Length > 300 ? l.Text[..300] : l.Text));
        }
    }

    private static long? EnforcedVersion(string text) =>
        EnforcingPattern().Match(text) is { Success: true } m ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private void Add(string? text)
    {
        if (text is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(new OutputLine(_clock.Elapsed, text));
        }
    }

    [GeneratedRegex(@"Enforcing farm policy version (\d+) ")]
    private static partial Regex EnforcingPattern();
}
