using System.Diagnostics;
using System.Text;

namespace Farm.Cli.Tests.Support;

/// <summary>
/// Another local user (<c>nobody</c>, via setpriv) listening on an admin port while the member is down:
/// a Python listener that answers every request with 401 and prints each connection's request bytes,
/// so a test can tell whether a token reached it. Killed by PID when disposed.
/// </summary>
public sealed class SquatterProcess : IAsyncDisposable
{
    public const uint Nobody = 65534;

    private const string Script = """
        import socket, sys
        listener = socket.socket()
        listener.bind(("127.0.0.1", int(sys.argv[1])))
        listener.listen(16)
        print("listening", flush=True)
        while True:
            connection, _ = listener.accept()
            connection.settimeout(5)
            received = b""
            try:
                while b"\r\n\r\n" not in received and len(received) < 65536:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    received += chunk
                connection.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            print("connection " + received.decode("latin-1").replace("\r\n", " | "), flush=True)
            connection.close()
        """;

    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SquatterProcess(int port)
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/bin/python3", "-c", Script, port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        _process = StartedProcesses.Start(start);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(e.Data);
            }

            if (e.Data == "listening")
            {
                _listening.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything it printed: one <c>connection ...</c> line per request it received.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<SquatterProcess> StartAsync(int port)
    {
        var squatter = new SquatterProcess(port);
        try
        {
            await squatter._listening.Task.WaitAsync(StartBound);
            return squatter;
        }
        catch (TimeoutException)
        {
            await squatter.DisposeAsync();
            throw new InvalidOperationException($"the squatter did not listen on {port} within {StartBound.TotalSeconds} s: {squatter.Output}");
        }
    }

    public async ValueTask DisposeAsync() => await StartedProcesses.StopAsync(_process);
}
