using Farm.Shared.Policy;
using Farm.Shared.Security;

namespace Farm.Shared.Tests.Policy;

/// <summary>Cheap hashes (1,000 iterations) made once: tests must not pay PBKDF2's production cost.</summary>
internal static class TestHashes
{
    public const string AlicePassword = "alice-pw";

    public const string BobPassword = "bob pw #1";

    public static readonly string Alice = PasswordHasher.Hash(AlicePassword, 1_000);

    public static readonly string Bob = PasswordHasher.Hash(BobPassword, 1_000);

    public static PolicyDocument Parse(string text)
    {
        var result = PolicyParser.Parse(text);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Document!;
    }
}
