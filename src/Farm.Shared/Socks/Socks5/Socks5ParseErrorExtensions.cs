namespace Farm.Shared.Socks.Socks5;

public static class Socks5ParseErrorExtensions
{
    /// <summary>The reply a server sends for a request refused with <paramref name="error"/>.</summary>
    public static Socks5Reply ToReply(this Socks5ParseError error) => error switch
    {
        Socks5ParseError.UnknownCommand => Socks5Reply.CommandNotSupported,
        Socks5ParseError.UnknownAddressType => Socks5Reply.AddressTypeNotSupported,
        _ => Socks5Reply.GeneralFailure,
    };
}
