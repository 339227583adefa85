using System.Diagnostics;

namespace Farm.IntegrationTests.Support;

/// <summary>Runs a command line tool (dig, curl, ip) to completion, bounded in time, killing it by id when it overruns.</summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit is an error.</summary>
    public static async Task<string> CheckedAsync(string file, params string[] arguments)
    {
        var result = await RunAsync(file, arguments);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Error.Trim()}");
    }
}
