using System.CommandLine.Parsing;
using System.Globalization;

namespace Farm.Cli.CommandLine;

/// <summary>Parsers for option and argument values whose failures read as farmctl's usage errors (exit 2).</summary>
public static class ValueParsers
{
    public delegate bool TryParse<T>(string text, out T value);

    /// <summary>A parser from <paramref name="tryParse"/>; a value it refuses is a parse error saying <paramref name="message"/>.</summary>
    public static Func<ArgumentResult, T?> Create<T>(TryParse<T> tryParse, Func<string, string> message) => result =>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (tryParse(text, out var value))
        {
            return value;
        }

        result.AddError(message(text));
        return default;
    };

    /// <summary>A whole number in <c>[min, max]</c>, digits only.</summary>
    public static TryParse<long> Number(long min, long max) => (string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
