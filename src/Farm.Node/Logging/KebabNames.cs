using System.Collections.Frozen;

namespace Farm.Node.Logging;

/// <summary>Enum values as the kebab-case words used in records and labels, computed once per type.</summary>
public static class KebabNames<T>
    where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> Names =
        Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => ToKebab(v.ToString()));

    public static string Of(T value) => Names.TryGetValue(value, out var name) ? name : value.ToString();

    private static string ToKebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));
}
