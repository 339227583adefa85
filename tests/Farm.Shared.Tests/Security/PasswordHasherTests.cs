using Farm.Shared.Security;

namespace Farm.Shared.Tests.Security;

public class PasswordHasherTests
{
    [Fact]
    public void Hash_ThenVerify_AcceptsOnlyThePassword()
    {
        var encoded = PasswordHasher.Hash("correct horse", 1_000);

        Assert.True(PasswordHasher.Verify(encoded, "correct horse"));
        Assert.False(PasswordHasher.Verify(encoded, "correct horsE"));
        Assert.False(PasswordHasher.Verify(encoded, string.Empty));
    }

    [Fact]
    public void Hash_Format_IsSchemeIterationsSaltHash()
    {
        var parts = PasswordHasher.Hash("pw", 1_234).Split('$');

        Assert.Equal(["pbkdf2-sha256", "1234"], parts[..2]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public void Hash_SamePasswordTwice_UsesFreshSalt() =>
        Assert.NotEqual(PasswordHasher.Hash("pw", 1_000), PasswordHasher.Hash("pw", 1_000));

    [Fact]
    public void Hash_DefaultIterations_Is600000() =>
        Assert.StartsWith("pbkdf2-sha256$600000$", PasswordHasher.Hash("pw"), StringComparison.Ordinal);

    [Theory]
    [InlineData("secret")]
    [InlineData("pbkdf2-sha1$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$10$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$x$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==")]
    public void TryParseEncoded_Invalid_ReportsError(string encoded)
    {
        Assert.False(PasswordHasher.TryParseEncoded(encoded, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.False(PasswordHasher.Verify(encoded, "secret"));
    }

    [Fact]
    public void TryParseEncoded_Valid_ReturnsParts()
    {
        Assert.True(PasswordHasher.TryParseEncoded(PasswordHasher.Hash("pw", 2_000), out var hash, out _));
        Assert.Equal(2_000, hash.Iterations);
        Assert.Equal(16, hash.Salt.Length);
        Assert.Equal(32, hash.Hash.Length);
    }
}
