namespace Farm.Shared.Policy;

/// <summary>
/// The SOCKS5 methods worth offering a client: those that some pass rule for its source and listener
/// could accept. <see cref="None"/> means no pass rule applies, so the handshake can be refused at once.
/// </summary>
[Flags]
public enum AuthRequirement : byte
{
    None = 0,
    NoneAccepted = 1,
    PasswordAccepted = 2,
    GssapiAccepted = 4,
}
