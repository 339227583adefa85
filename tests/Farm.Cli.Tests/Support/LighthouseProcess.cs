using System.Diagnostics;

namespace Farm.Cli.Tests.Support;

/// <summary>A real lighthouse (the clustered seed) as its own process on loopback ports; killed by PID.</summary>
public sealed class LighthouseProcess : IAsyncDisposable
{
    private readonly Process _process;

    private LighthouseProcess(Process process, int clusterPort, int adminPort)
    {
        _process = process;
        ClusterPort = clusterPort;
        AdminPort = adminPort;
    }

    public int ClusterPort { get; }

    public int AdminPort { get; }

    public string Admin => $"127.0.0.1:{AdminPort}";

    public string Address => $"akka.tcp://farm@127.0.0.1:{ClusterPort}";

    public bool HasExited => _process.HasExited;

    public static LighthouseProcess Start(string? seed = null, string? token = null)
    {
        var clusterPort = FreePort.Next();
        var adminPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Built.Lighthouse);
        start.ArgumentList.Add($"--Farm:Cluster:Port={clusterPort}");
        start.ArgumentList.Add($"--Farm:Admin:Listen=127.0.0.1:{adminPort}");
        if (seed is not null)
        {
            start.ArgumentList.Add($"--Farm:Cluster:Seeds:0={seed}");
        }

        if (token is not null)
        {
            start.ArgumentList.Add($"--Farm:Admin:Token={token}");
        }

        foreach (var name in new[] { "CLUSTER_IP", "CLUSTER_PORT", "CLUSTER_SEEDS" })
        {
            start.Environment.Remove(name);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the lighthouse");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LighthouseProcess(process, clusterPort, adminPort);
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(deadline.Token);
        _process.Dispose();
    }
}
