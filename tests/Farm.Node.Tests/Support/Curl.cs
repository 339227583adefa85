namespace Farm.Node.Tests.Support;

/// <summary>Drives the real curl binary and returns what it downloaded.</summary>
public static class Curl
{
    public sealed record Download(int ExitCode, byte[] Body, string Error);

    public static async Task<Download> GetAsync(string url, params string[] proxyArguments)
    {
        var output = Path.GetTempFileName();
        try
        {
            string[] arguments = ["--silent", "--show-error", "--max-time", "30", "--output", output, .. proxyArguments, url];
            var result = await ProcessRunner.RunAsync("curl", arguments, TimeSpan.FromSeconds(40));
            return new Download(result.ExitCode, await File.ReadAllBytesAsync(output), result.StandardError);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
