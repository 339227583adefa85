using System.Text;

namespace Farm.Shared.Discovery;

/// <summary>A member's name made a DNS label (RFC 1123: letters, digits, inner hyphens, at most 63), so it can become <c>&lt;name&gt;.nodes.&lt;domain&gt;</c>.</summary>
public static class AdvertisedName
{
    private const int MaxLength = 63;

    // Used when nothing of the configured name or host name survives; unlikely, but the zone needs a label.
    private const string Fallback = "member";

    public static string From(string? configured)
    {
        var source = string.IsNullOrWhiteSpace(configured) ? Environment.MachineName : configured;
        var label = new StringBuilder(source.Length);
        foreach (var c in source.ToLowerInvariant())
        {
            label.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var text = label.ToString();
        text = text[..Math.Min(text.Length, MaxLength)].Trim('-');
        return text.Length > 0 ? text : Fallback;
    }
}
