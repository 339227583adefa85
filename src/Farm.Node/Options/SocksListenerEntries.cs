using Microsoft.Extensions.Configuration;

namespace Farm.Node.Options;

/// <summary>
/// The raw <c>Farm:Socks:Listeners</c> entries, checked before they are bound: an entry given both as a plain
/// endpoint and with settings under it is bound from the plain value alone, so its PROXY protocol settings
/// would vanish without a word (outsider review att16c: a default at index 0 turned a PROXY listener into a
/// plain one on 127.0.0.1:1080).
/// </summary>
public static class SocksListenerEntries
{
    private const string Section = "Farm:Socks:Listeners";

    /// <summary>One line naming the first entry given in both forms, or null.</summary>
    public static string? Problem(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var settings = entry.GetChildren().Select(child => child.Key).ToList();
            if (entry.Value is not null && settings.Count > 0)
            {
                return $"{Section}:{entry.Key} is both the endpoint '{entry.Value}' and an entry with {string.Join(", ", settings)}: give the object form alone (Endpoint, ProxyProtocol, TrustedProxies)";
            }
        }

        return null;
    }
}
