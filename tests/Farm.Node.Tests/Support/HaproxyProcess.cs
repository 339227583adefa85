using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Tests.Support;

/// <summary>
/// Debian's HAProxy in TCP mode as a process of its own, in the foreground, with a generated config;
/// killed by its PID on dispose, whatever the test's outcome.
/// </summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _config;

    private HaproxyProcess(Process process, string config)
    {
        _process = process;
        _config = config;
    }

    /// <summary>Starts HAProxy with <paramref name="config"/> and waits until every port in <paramref name="listening"/> accepts.</summary>
    public static async Task<HaproxyProcess> StartAsync(string config, params int[] listening)
    {
        var file = Path.GetTempFileName();
        // HAProxy refuses a config whose last line has no LF.
        await File.WriteAllTextAsync(file, config + "\n");
        var start = new ProcessStartInfo("haproxy") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-db", "-f", file })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            File.Delete(file);
            throw new InvalidOperationException("haproxy is not installed: run ops/install-test-deps.sh", e);
        }

        var haproxy = new HaproxyProcess(process, file);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                errors.Enqueue(text);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            foreach (var port in listening)
            {
                await WaitListeningAsync(process, port, errors);
            }
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }

        return haproxy;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _process.Dispose();
            File.Delete(_config);
        }
    }

    /// <summary>Polls with a bare connect (closed at once, before anything is sent), within a generous deadline.</summary>
    private static async Task WaitListeningAsync(Process process, int port, IEnumerable<string> errors)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited with {process.ExitCode}: {string.Join(" | ", errors)}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
