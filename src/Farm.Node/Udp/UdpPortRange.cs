using System.Globalization;

namespace Farm.Node.Udp;

/// <summary>The UDP relay's port range (<c>first-last</c>); port 0 (any) when unset.</summary>
public readonly record struct UdpPortRange(int First, int Last)
{
    public static UdpPortRange Any { get; } = new(0, 0);

    public static UdpPortRange Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Any;
        }

        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first is > 0 and <= 65535 && last >= first && last <= 65535)
        {
            return new UdpPortRange(first, last);
        }

        throw new FormatException($"Farm:Socks:UdpPortRange: '{text}' is not first-last (1-65535)");
    }
}
