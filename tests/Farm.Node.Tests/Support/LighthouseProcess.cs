using System.Diagnostics;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Support;

/// <summary>A lighthouse as its own process (the built Farm.Lighthouse.dll), killed by PID on dispose.</summary>
public sealed class LighthouseProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private LighthouseProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public bool HasExited => _process.HasExited;

    /// <param name="descriptorLimit">When set, the lighthouse runs under <c>prlimit --nofile=N:N</c> (soft and hard).</param>
    public static LighthouseProcess Start(IDictionary<string, string> environment, int? descriptorLimit = null)
    {
        var directory = Directory.CreateTempSubdirectory("farm-lighthouse-process-").FullName;
        var start = new ProcessStartInfo(descriptorLimit is null ? "dotnet" : "prlimit")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (descriptorLimit is { } limit)
        {
            start.ArgumentList.Add($"--nofile={limit}:{limit}");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Farm.Lighthouse.dll"));
        start.Environment["FARM__CLUSTER__DATADIRECTORY"] = Path.Combine(directory, "ddata");
        foreach (var (key, value) in TestCertificates.Environment())
        {
            start.Environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the lighthouse process");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return new LighthouseProcess(process, directory);
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
}
