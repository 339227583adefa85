using System.Collections.Immutable;

namespace Farm.Shared.Security;

/// <summary>The parts of an encoded <c>pbkdf2-sha256$iterations$salt$hash</c> string.</summary>
public sealed record PasswordHash(int Iterations, ImmutableArray<byte> Salt, ImmutableArray<byte> Hash);
