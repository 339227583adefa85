using Farm.Shared.Socks.Socks5;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5MethodSetTests
{
    [Fact]
    public void Empty_ContainsNothing()
    {
        Assert.True(Socks5MethodSet.Empty.IsEmpty);
        Assert.Equal(0, Socks5MethodSet.Empty.Count);
        for (var code = 0; code < 256; code++)
        {
            Assert.False(Socks5MethodSet.Empty.Contains((Socks5AuthMethod)code));
        }
    }

    [Fact]
    public void Of_EveryCode_ContainsExactlyThatCode()
    {
        for (var code = 0; code < 256; code++)
        {
            var set = Socks5MethodSet.Of((Socks5AuthMethod)code);
            Assert.Equal(1, set.Count);
            for (var other = 0; other < 256; other++)
            {
                Assert.Equal(other == code, set.Contains((Socks5AuthMethod)other));
            }
        }
    }

    [Fact]
    public void Of_Duplicates_CountedOnce() =>
        Assert.Equal(2, Socks5MethodSet.Of(Socks5AuthMethod.UsernamePassword, Socks5AuthMethod.NoAuthentication, Socks5AuthMethod.UsernamePassword).Count);

    [Fact]
    public void Equality_SameMethodsAnyOrder_Equal() =>
        Assert.Equal(
            Socks5MethodSet.Of(Socks5AuthMethod.UsernamePassword, Socks5AuthMethod.NoAcceptableMethods),
            Socks5MethodSet.Of(Socks5AuthMethod.NoAcceptableMethods, Socks5AuthMethod.UsernamePassword));

    [Fact]
    public void ToString_Methods_Listed() =>
        Assert.Equal("{NoAuthentication, UsernamePassword, 128}", Socks5MethodSet.Of(Socks5AuthMethod.UsernamePassword, (Socks5AuthMethod)0x80, Socks5AuthMethod.NoAuthentication).ToString());
}
