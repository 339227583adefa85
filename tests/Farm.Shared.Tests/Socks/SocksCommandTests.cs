using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Socks;

public class SocksCommandTests
{
    [Theory]
    [InlineData(SocksCommand.Connect, 0x01)]
    [InlineData(SocksCommand.Bind, 0x02)]
    [InlineData(SocksCommand.UdpAssociate, 0x03)]
    public void Command_HasWireValue(SocksCommand command, byte wire) => Assert.Equal(wire, (byte)command);
}
