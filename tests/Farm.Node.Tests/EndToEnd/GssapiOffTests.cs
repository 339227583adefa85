using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>A policy may name GSSAPI on a node that has no keytab: method 0x01 is then never selected.</summary>
// In-process nodes set KRB5_KTNAME for the whole process: these classes never run side by side.
[Collection("Kerberos environment")]
public sealed class GssapiOffTests : IAsyncLifetime
{
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync() => _node = await FarmNodeHost.StartAsync(
        """
        client pass from 127.0.0.0/8
        pass connect from 127.0.0.0/8 auth gssapi
        """);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Greeting_OffersGssapi_NoKeytab_NoAcceptableMethod()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x02, 0x00, 0x01);

        Assert.Equal(new byte[] { 0x05, 0xFF }, await client.ReceiveUntilClosedAsync());
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("no-acceptable-method", record.GetProperty("outcome").GetString());
    }
}
