using System.Diagnostics;

namespace Farm.Cli.Tests.Support;

/// <summary>Runs the built farmctl (<c>dotnet farmctl.dll</c>) to completion, bounded in time.</summary>
public static class Farmctl
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static async Task<Result> RunAsync(params string[] arguments) => await RunAsync(arguments, null, null);

    public static async Task<Result> RunAsync(IEnumerable<string> arguments, string? input, IDictionary<string, string>? environment = null)
    {
        var process = Start(arguments, environment);
        try
        {
            return await CompleteAsync(process, arguments, input);
        }
        finally
        {
            await StartedProcesses.StopAsync(process);
        }
    }

    public static Process Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Built.Farmctl);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("FARMCTL_TOKEN");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return StartedProcesses.Start(start);
    }

    private static async Task<Result> CompleteAsync(Process process, IEnumerable<string> arguments, string? input)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"farmctl {string.Join(' ', arguments)} did not finish");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
