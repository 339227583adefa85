namespace Farm.Node.Authentication;

/// <summary>The outcome of one RFC 1929 login; all but <see cref="Accepted"/> are answered 0x01.</summary>
public enum PasswordVerdict
{
    Accepted,

    /// <summary>Hashed and found wrong (or an unknown user).</summary>
    Rejected,

    /// <summary>Every hashing slot and queue place was taken: refused at once, the password not looked at.</summary>
    Overloaded,

    /// <summary>The source failed too often lately: refused at once, the password not looked at.</summary>
    Throttled,
}
