using System.Globalization;
using System.Text.RegularExpressions;

namespace Farm.IntegrationTests.Support;

/// <summary>Reads one sample out of a Prometheus text scrape.</summary>
public static partial class MetricsText
{
    /// <summary>The value of <paramref name="family"/>'s sample whose labels include <paramref name="label"/> (<c>name="value"</c>, or null for any); null when there is none.</summary>
    public static double? Value(string scrape, string family, string? label = null)
    {
        foreach (Match sample in Sample().Matches(scrape))
        {
            if (sample.Groups["name"].Value == family && (label is null || sample.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                return double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
