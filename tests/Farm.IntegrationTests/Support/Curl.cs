using System.Diagnostics;

namespace Farm.IntegrationTests.Support;

/// <summary>Runs the real curl through a node's SOCKS5 listener, bounded in time.</summary>
public static class Curl
{
    public sealed record Result(int ExitCode, string Body, string Error);

    /// <summary>curl's exit code when the SOCKS server refuses the request (CURLE_PROXY).</summary>
    public const int ProxyRefused = 97;

    /// <param name="mode">curl's proxy option: <c>--socks5</c> resolves the name locally, <c>--socks5-hostname</c> lets the node resolve it.</param>
    public static async Task<Result> GetThroughAsync(string proxy, string url, string mode = "--socks5")
    {
        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--silent", "--show-error", "--max-time", "10", mode, proxy, url })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start curl");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new TimeoutException($"curl through {proxy} did not finish");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Downloads <paramref name="url"/> through the proxy into <paramref name="file"/>; the result's body is empty.</summary>
    public static async Task<Result> DownloadThroughAsync(string proxy, string url, string file, TimeSpan timeout)
    {
        var result = await Tool.RunAsync(
            "curl",
            ["--silent", "--show-error", "--max-time", ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "--socks5", proxy, "--output", file, url],
            timeout + TimeSpan.FromSeconds(5));
        return new Result(result.ExitCode, string.Empty, result.Error);
    }
}
