using Farm.Node.Tests.Support;
using Farm.Shared.Security;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>A policy that demands a password from loopback clients, exercised with curl and raw bytes.</summary>
public sealed class PasswordAuthTests : IAsyncLifetime
{
    private const int Size = 100_000;
    private LoopbackHttpServer _http = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _http = new LoopbackHttpServer();
        // A low iteration count keeps the test fast; the format carries it, so production hashes keep theirs.
        var hash = PasswordHasher.Hash("s3cret pass", iterations: 1_000);
        _node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            user alice {hash}
            pass connect from 127.0.0.0/8 to 127.0.0.0/8 auth password
            """);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _http.DisposeAsync();
    }

    [Fact]
    public async Task Curl_WithUserInProxyUrl_Downloads()
    {
        var download = await Curl.GetAsync(_http.Url(Size), "--proxy", $"socks5://alice:s3cret%20pass@{_node.ProxyAddress}");

        Assert.True(download.ExitCode == 0, download.Error);
        Assert.Equal(TestContent.Sha256(_http.Content(Size)), TestContent.Sha256(download.Body));
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("alice", record.GetProperty("user").GetString());
    }

    [Fact]
    public async Task Curl_WrongPassword_Refused()
    {
        var download = await Curl.GetAsync(_http.Url(Size), "--proxy", $"socks5://alice:wrong@{_node.ProxyAddress}");

        Assert.NotEqual(0, download.ExitCode);
        Assert.Empty(download.Body);
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("authentication-failed", record.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Greeting_OffersOnlyNoAuth_AnsweredNoAcceptableMethod()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x00);

        Assert.Equal(new byte[] { 0x05, 0xFF }, await client.ReceiveUntilClosedAsync());
    }

    [Fact]
    public async Task Greeting_OffersBoth_ServerPicksPassword()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x02, 0x00, 0x02);

        Assert.Equal(new byte[] { 0x05, 0x02 }, await client.ReceiveExactlyAsync(2));
    }

    [Fact]
    public async Task PasswordRequest_WrongSubnegotiationVersion_ClosedWithoutStatus()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x02);
        Assert.Equal(new byte[] { 0x05, 0x02 }, await client.ReceiveExactlyAsync(2));

        await client.SendAsync([0x02, 0x05, .. "alice"u8, 0x01, (byte)'x']);

        Assert.Empty(await client.ReceiveUntilClosedAsync());
    }

    [Fact]
    public async Task PasswordRequest_WrongPassword_StatusFailureThenClose()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x02);
        Assert.Equal(new byte[] { 0x05, 0x02 }, await client.ReceiveExactlyAsync(2));

        await client.SendAsync([0x01, 0x05, .. "alice"u8, 0x05, .. "wrong"u8]);

        Assert.Equal(new byte[] { 0x01, 0x01 }, await client.ReceiveUntilClosedAsync());
    }

    [Fact]
    public async Task Socks4_WherePasswordRequired_Rejected()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        var port = (ushort)_http.Endpoint.Port;
        await client.SendAsync(0x04, 0x01, (byte)(port >> 8), (byte)port, 127, 0, 0, 1, 0x00);

        var reply = await client.ReceiveUntilClosedAsync();

        Assert.Equal(8, reply.Length);
        Assert.Equal(91, reply[1]);
    }
}
