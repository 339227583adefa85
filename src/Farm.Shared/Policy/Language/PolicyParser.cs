namespace Farm.Shared.Policy;

/// <summary>
/// Reads the policy language. One statement per line, <c>#</c> starts a comment, keywords are
/// case-insensitive, names and passwords are case-sensitive. Pure: no I/O, never throws on bad text.
/// </summary>
public static class PolicyParser
{
    public static PolicyParseResult Parse(string text) => new PolicyReader().Read(text ?? string.Empty);
}
