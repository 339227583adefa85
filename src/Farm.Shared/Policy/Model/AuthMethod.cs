namespace Farm.Shared.Policy;

/// <summary>How the client authenticated; also the value of a rule's <c>auth</c> term.</summary>
public enum AuthMethod : byte
{
    None,
    Password,

    /// <summary>RFC 1961 GSSAPI (Kerberos): the user is the client's principal, <c>name@REALM</c>.</summary>
    Gssapi,
}
