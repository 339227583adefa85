using System.Diagnostics;
using System.Net;

namespace Farm.Lighthouse.Tests.Dns;

/// <summary>Debian's dig, asked one question against the responder under test.</summary>
internal static class Dig
{
    public static async Task<IReadOnlyList<string>> ShortAsync(IPEndPoint server, string name, string type, bool tcp = false) =>
        Lines(await RunAsync(server, [name, type, "+short", .. Transport(tcp)]));

    /// <summary>The header and sections as dig prints them, for status and flags.</summary>
    public static Task<string> FullAsync(IPEndPoint server, string name, string type, bool tcp = false) =>
        RunAsync(server, [name, type, "+noall", "+comments", "+answer", "+authority", .. Transport(tcp)]);

    /// <summary>
    /// One UDP query from <paramref name="source"/> (any 127/8 address is local). With
    /// <paramref name="ignoreTruncation"/> dig shows a TC=1 reply instead of asking again over TCP.
    /// </summary>
    public static Task<string> FromAsync(IPEndPoint server, IPAddress source, string name, string type, bool ignoreTruncation = false) =>
        RunAsync(server, ["-b", source.ToString(), name, type, "+noall", "+comments", "+answer", .. (ignoreTruncation ? (string[])["+ignore"] : [])]);

    private static string[] Transport(bool tcp) => tcp ? ["+tcp"] : ["+notcp"];

    private static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<string> RunAsync(IPEndPoint server, string[] arguments)
    {
        var start = new ProcessStartInfo("dig")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[$"@{server.Address}", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+time=2", "+tries=1", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dig {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {await output}{await error}");
        }

        return await output;
    }
}
