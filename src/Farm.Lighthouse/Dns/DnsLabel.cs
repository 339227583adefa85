namespace Farm.Lighthouse.Dns;

/// <summary>Host-name labels as RFC 952/1123 allow them: what a node name must be to become a DNS name.</summary>
public static class DnsLabel
{
    public const int MaxLength = 63;

    public static bool IsValid(string? label) =>
        label is { Length: > 0 and <= MaxLength }
        && label[0] != '-'
        && label[^1] != '-'
        && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
