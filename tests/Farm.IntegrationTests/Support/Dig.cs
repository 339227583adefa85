using System.Globalization;

namespace Farm.IntegrationTests.Support;

/// <summary>Debian's dig asking the lighthouse one question, as an operator would.</summary>
public static class Dig
{
    /// <summary><c>dig @server -p port name type +short</c>, one line per record.</summary>
    public static async Task<string[]> ShortAsync(string server, int port, string name, string type) =>
        (await Tool.CheckedAsync("dig", $"@{server}", "-p", port.ToString(CultureInfo.InvariantCulture), "+time=2", "+tries=1", name, type, "+short"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
