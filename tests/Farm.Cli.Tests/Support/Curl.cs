using System.Diagnostics;
using System.Globalization;

namespace Farm.Cli.Tests.Support;

/// <summary>Drives the real curl binary against an admin endpoint, as a script or a browser's request would arrive.</summary>
public static class Curl
{
    public sealed record Response(int Status, string Body);

    /// <summary>Runs curl with the given arguments and the URL; the answer's status and body.</summary>
    public static async Task<Response> RunAsync(string url, params string[] arguments)
    {
        var body = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("curl")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--silent", "--show-error", "--max-time", "20", "--output", body, "--write-out", "%{http_code}", .. arguments, url])
            {
                start.ArgumentList.Add(argument);
            }

            var process = StartedProcesses.Start(start);
            try
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await process.WaitForExitAsync(deadline.Token);
                var status = int.Parse((await stdout).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
                return status != 0 ? new Response(status, await File.ReadAllTextAsync(body)) : throw new InvalidOperationException($"curl {url}: {await stderr}");
            }
            finally
            {
                await StartedProcesses.StopAsync(process);
            }
        }
        finally
        {
            File.Delete(body);
        }
    }
}
