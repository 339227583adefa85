using System.Security.Cryptography;
using System.Text;
using Akka.DistributedData;

namespace Farm.Shared.Replication;

/// <summary>
/// The policy document as the cluster replicates it: one register under <see cref="Key"/>. Each version
/// names the member that wrote it, a nonce that tells two writes of the same version apart, and the
/// digests of the versions it replaces (<see cref="Ancestors"/>, oldest first, the last one is version - 1),
/// so a member can check that a new version descends from the one it enforces.
/// </summary>
/// <param name="LocalOf">
/// The member (its cluster address) whose own policy file or embedded default this version was read from,
/// when it was seeded or reloaded from one; null for any other version (apply, rollback). Only that member
/// may treat it as its local policy (the loopback opt-in): identical text from elsewhere is a farm policy.
/// </param>
public sealed record PolicyEnvelope(string Text, long Version, string Author, DateTimeOffset Timestamp, string? LocalOf = null, string Writer = "", string Nonce = "", IReadOnlyList<string>? Ancestors = null)
{
    /// <summary>How many ancestor digests a version carries: a member further behind than this cannot verify a newer version.</summary>
    public const int MaxAncestors = 64;

    public static readonly LWWRegisterKey<PolicyEnvelope> Key = new("farm-policy");

    public IReadOnlyList<string> Ancestors { get; init; } = Ancestors ?? [];

    /// <summary>The DER certificate of the member that signed this version (the arbiter's host); empty when unsigned.</summary>
    public byte[] SignerCertificate { get; init; } = [];

    /// <summary>The signer's signature over <see cref="Digest"/> (<see cref="Signing.PolicySignature"/>); empty when unsigned.</summary>
    public byte[] Signature { get; init; } = [];

    /// <summary>Who wrote this version, for a conflict message: the member, or the author for versions written before writers were recorded.</summary>
    public string WrittenBy => Writer.Length > 0 ? $"{Writer} ({Author})" : Author;

    /// <summary>SHA-256 over every field and the ancestors, not the signature: the link the next version names, and what its writer signs.</summary>
    public string Digest()
    {
        var canonical = new StringBuilder()
            .Append(Version).Append('\n')
            .Append(Timestamp.UtcTicks).Append('\n')
            .Append(Author.Length).Append(':').Append(Author).Append('\n')
            .Append(Writer.Length).Append(':').Append(Writer).Append('\n')
            .Append(Nonce.Length).Append(':').Append(Nonce).Append('\n')
            .Append(LocalOf?.Length ?? -1).Append(':').Append(LocalOf).Append('\n')
            .AppendJoin(',', Ancestors).Append('\n')
            .Append(Text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    /// <summary>The version after this one, carrying this one's digest; null when the version cannot grow (it would overflow).</summary>
    /// <param name="localOf">The member whose own policy file the text is (<see cref="LocalOf"/>), or null.</param>
    public PolicyEnvelope? Successor(string text, string author, DateTimeOffset timestamp, string writer, string nonce, string? localOf = null)
    {
        if (Version == long.MaxValue)
        {
            return null;
        }

        var ancestors = Ancestors.Append(Digest()).TakeLast(MaxAncestors).ToArray();
        return new PolicyEnvelope(text, Version + 1, author, timestamp, localOf, writer, nonce, ancestors);
    }

    public bool Equals(PolicyEnvelope? other) =>
        other is not null
        && Text == other.Text
        && Version == other.Version
        && Author == other.Author
        && Timestamp.Equals(other.Timestamp)
        && LocalOf == other.LocalOf
        && Writer == other.Writer
        && Nonce == other.Nonce
        && Ancestors.SequenceEqual(other.Ancestors)
        && SignerCertificate.AsSpan().SequenceEqual(other.SignerCertificate)
        && Signature.AsSpan().SequenceEqual(other.Signature);

    public override int GetHashCode() => HashCode.Combine(Text, Version, Author, Timestamp, LocalOf, Writer, Nonce, Ancestors.Count);
}
