using System.Diagnostics;
using System.Text;

namespace Farm.Cli.Tests.Support;

/// <summary>
/// The built farmctl on a real pseudo-terminal (python3's pty module relays between it and this process),
/// as an operator's terminal runs it: keys are written as the terminal would send them, the screen is
/// read back. Disposing kills the relay and farmctl by PID.
/// </summary>
public sealed class PseudoTerminal : IAsyncDisposable
{
    /// <summary>Forks farmctl on a pty of 80x24, relays stdin to it and its screen to stdout, exits with its exit code.</summary>
    private const string Relay = """
        import fcntl, os, pty, select, struct, sys, termios
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(sys.argv[1], sys.argv[1:])
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        keys = sys.stdin.fileno()
        while True:
            ready = select.select([fd, keys] if keys is not None else [fd], [], [])[0]
            if fd in ready:
                try:
                    screen = os.read(fd, 4096)
                except OSError:
                    break
                if not screen:
                    break
                os.write(sys.stdout.fileno(), screen)
            if keys is not None and keys in ready:
                typed = os.read(keys, 4096)
                if typed:
                    os.write(fd, typed)
                else:
                    keys = None
        sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        """;

    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Task _reading;

    private PseudoTerminal(Process process)
    {
        _process = process;
        _reading = Task.Run(ReadScreenAsync);
    }

    /// <summary>Everything farmctl has written to the terminal so far.</summary>
    public string Screen
    {
        get
        {
            lock (_screen)
            {
                return _screen.ToString();
            }
        }
    }

    public static PseudoTerminal Start(IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Relay, "dotnet", Built.Farmctl }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("FARMCTL_TOKEN");
        start.Environment["TERM"] = "xterm";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new PseudoTerminal(StartedProcesses.Start(start));
    }

    /// <summary>Types <paramref name="keys"/> (escape sequences and control characters as a terminal sends them).</summary>
    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.BaseStream.WriteAsync(Encoding.ASCII.GetBytes(keys));
        await _process.StandardInput.BaseStream.FlushAsync();
    }

    /// <summary>Waits, up to 30 s, until the screen shows what <paramref name="done"/> wants; fails with the screen otherwise.</summary>
    public async Task WaitForAsync(Func<string, bool> done, string what)
    {
        var screen = await Eventually.UntilAsync(() => Task.FromResult(Screen), done, TimeSpan.FromSeconds(30));
        Assert.True(done(screen), $"the terminal never showed {what}; it shows:\n{screen}");
    }

    /// <summary>farmctl's exit code once it has left (the relay exits with it), waited for up to 30 s.</summary>
    public async Task<int> ExitCodeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        await _reading;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync() => await StartedProcesses.StopAsync(_process);

    private async Task ReadScreenAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_screen)
            {
                _screen.Append(buffer, 0, read);
            }
        }
    }
}
