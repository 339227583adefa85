using System.Globalization;

namespace Farm.Shared.Replication.Floor;

/// <summary>
/// The highest farm version this member has enforced, with its digest: a signed version stays signed
/// forever, so a member that held this one takes nothing older (a replay of a version the operator
/// replaced) and no other version under the same number. Pure; <see cref="PolicyFloorStore"/> keeps it on disk.
/// </summary>
public sealed record PolicyFloor(long Version, string Digest)
{
    private const string Prefix = "version ";

    public static readonly PolicyFloor None = new(0, string.Empty);

    /// <summary>Why <paramref name="incoming"/> must not be enforced here, or null.</summary>
    public string? Refuses(PolicyEnvelope incoming) =>
        incoming.Version < Version
            ? $"it is older than version {Version}, which this member enforced before (a replay of a replaced version)"
            : Version > 0 && incoming.Version == Version && !string.Equals(incoming.Digest(), Digest, StringComparison.Ordinal)
                ? $"this member enforced another version {Version} (digest {Short(Digest)}, not {Short(incoming.Digest())})"
                : null;

    /// <summary>
    /// The floor once <paramref name="enforced"/> is in force. A seed does not raise it: a member that holds
    /// only its own seed gives way to the farm's history (<see cref="PolicyDescentKind.ReplacesSeed"/>).
    /// </summary>
    public PolicyFloor Raise(PolicyEnvelope enforced) =>
        enforced.Version > Version && !PolicyDescent.IsSeed(enforced) ? new(enforced.Version, enforced.Digest()) : this;

    /// <summary>One line: <c>version N digest</c>.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Version} {Digest}\n");

    /// <summary>The floor written by <see cref="Format"/>, or null with why the text is not one.</summary>
    public static PolicyFloor? Parse(string text, out string? problem)
    {
        var line = text.TrimEnd('\n');
        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0] != Prefix.TrimEnd()
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version <= 0
            || parts[2].Length != 64 || !parts[2].All(char.IsAsciiHexDigitLower))
        {
            problem = "expected one line 'version <N> <sha-256 in lower-case hex>'";
            return null;
        }

        problem = null;
        return new PolicyFloor(version, parts[2]);
    }

    private static string Short(string digest) => digest.Length > 12 ? digest[..12] : digest;
}
