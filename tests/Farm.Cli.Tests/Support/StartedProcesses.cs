using System.Collections.Concurrent;
using System.Diagnostics;

namespace Farm.Cli.Tests.Support;

/// <summary>
/// Every process the tests start, so that none outlives the test run: each owner kills its own in a
/// finally, and whatever is still registered when the test host exits (an owner that never got to
/// dispose) is killed here, by PID, with its whole tree.
/// </summary>
public static class StartedProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static StartedProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            KillTree(process);
        }
    };

    public static Process Start(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName} {string.Join(' ', start.ArgumentList)}");
        Running[process.Id] = process;
        return process;
    }

    /// <summary>Kills the process and its children by PID and waits until it has exited.</summary>
    public static async Task StopAsync(Process process)
    {
        KillTree(process);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            Running.TryRemove(process.Id, out _);
            process.Dispose();
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped: nothing left to kill.
        }
    }
}
