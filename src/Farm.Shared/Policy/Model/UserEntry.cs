namespace Farm.Shared.Policy;

/// <summary><c>user name pbkdf2-sha256$...</c>; only the encoded hash is ever stored.</summary>
public sealed record UserEntry(int Line, string Name, string PasswordHash);
