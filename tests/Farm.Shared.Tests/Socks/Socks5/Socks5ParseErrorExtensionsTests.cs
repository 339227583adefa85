using Farm.Shared.Socks.Socks5;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5ParseErrorExtensionsTests
{
    [Fact]
    public void ToReply_EveryError_MapsToItsReply()
    {
        foreach (var error in Enum.GetValues<Socks5ParseError>())
        {
            var expected = error switch
            {
                Socks5ParseError.UnknownCommand => Socks5Reply.CommandNotSupported,
                Socks5ParseError.UnknownAddressType => Socks5Reply.AddressTypeNotSupported,
                _ => Socks5Reply.GeneralFailure,
            };
            Assert.Equal(expected, error.ToReply());
        }
    }

    [Theory]
    [InlineData(Socks5ParseError.UnknownCommand, 0x07)]
    [InlineData(Socks5ParseError.UnknownAddressType, 0x08)]
    [InlineData(Socks5ParseError.BadDomain, 0x01)]
    public void ToReply_Error_WireCode(Socks5ParseError error, byte code) => Assert.Equal(code, (byte)error.ToReply());
}
