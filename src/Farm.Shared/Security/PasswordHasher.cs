using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Farm.Shared.Security;

/// <summary>Salted PBKDF2-HMAC-SHA256 password hashes in the text form used by <c>user</c> lines.</summary>
public static class PasswordHasher
{
    public const string Scheme = "pbkdf2-sha256";

    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Below this a hash is too cheap to be worth storing; low enough for fast tests.</summary>
    public const int MinIterations = 1_000;

    /// <summary>Above this one login would hold a core for many seconds: a denial of service, not protection.</summary>
    public const int MaxIterations = 10_000_000;

    public const int SaltSize = 16;

    public const int HashSize = 32;

    private const int MinSaltSize = 8;

    private const int MaxSaltSize = 64;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Derive(password, salt, iterations, HashSize);
        return $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string encoded, string password) =>
        TryParseEncoded(encoded, out var parsed, out _) && Verify(parsed, password);

    public static bool Verify(PasswordHash hash, string password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(password);
        var actual = Derive(password, hash.Salt.AsSpan(), hash.Iterations, hash.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(actual, hash.Hash.AsSpan());
    }

    public static bool TryParseEncoded(
        string encoded,
        [NotNullWhen(true)] out PasswordHash? hash,
        [NotNullWhen(false)] out string? error)
    {
        hash = null;
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            error = $"password hash must be {Scheme}$<iterations>$<salt base64>$<hash base64> (plain passwords are not accepted)";
            return false;
        }

        if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations)
            || iterations < MinIterations || iterations > MaxIterations)
        {
            error = $"iterations must be a number from {MinIterations} to {MaxIterations}";
            return false;
        }

        if (!TryBase64(parts[2], out var salt) || salt.Length < MinSaltSize || salt.Length > MaxSaltSize)
        {
            error = $"salt must be {MinSaltSize} to {MaxSaltSize} bytes of base64";
            return false;
        }

        if (!TryBase64(parts[3], out var derived) || derived.Length != HashSize)
        {
            error = $"hash must be {HashSize} bytes of base64";
            return false;
        }

        hash = new PasswordHash(iterations, [.. salt], [.. derived]);
        error = null;
        return true;
    }

    internal static byte[] Derive(string password, ReadOnlySpan<byte> salt, int iterations, int length)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(bytes, salt, iterations, HashAlgorithmName.SHA256, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (text.Length == 0 || !Convert.TryFromBase64String(text, bytes, out var written))
        {
            return false;
        }

        bytes = bytes[..written];
        return true;
    }
}
