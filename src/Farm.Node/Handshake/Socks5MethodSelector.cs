using Farm.Shared.Policy;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Handshake;

/// <summary>
/// Picks the SOCKS5 method: only one the client offered, and never "no authentication" when
/// the policy demands a login from this source. GSSAPI only when the node has a keytab (the caller
/// drops <see cref="AuthRequirement.GssapiAccepted"/> otherwise).
/// </summary>
public static class Socks5MethodSelector
{
    public static Socks5AuthMethod Choose(Socks5MethodSet offered, AuthRequirement accepted)
    {
        // Password first when both are possible, so user and group rules can apply.
        if (accepted.HasFlag(AuthRequirement.PasswordAccepted) && offered.Contains(Socks5AuthMethod.UsernamePassword))
        {
            return Socks5AuthMethod.UsernamePassword;
        }

        if (accepted.HasFlag(AuthRequirement.GssapiAccepted) && offered.Contains(Socks5AuthMethod.GssApi))
        {
            return Socks5AuthMethod.GssApi;
        }

        if (accepted.HasFlag(AuthRequirement.NoneAccepted) && offered.Contains(Socks5AuthMethod.NoAuthentication))
        {
            return Socks5AuthMethod.NoAuthentication;
        }

        return Socks5AuthMethod.NoAcceptableMethods;
    }
}
