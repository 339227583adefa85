using Farm.Node.Tests.Support;
using Farm.Shared.Security;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>
/// RFC 1961 logins against a real MIT KDC: a client holding alice's ticket authenticates to rcmd/localhost
/// through a node whose keytab holds that service's key; password users (curl) share the node. The GSSAPI
/// client is tests/clients/socks5_gssapi_get.py on python3-gssapi, doing curl's exchange: Debian's curl 7.88
/// drops --socks5-gssapi when the method choice is not in its first read, so it can never get this far.
/// </summary>
// In-process nodes set KRB5_KTNAME for the whole process: these classes never run side by side.
[Collection("Kerberos environment")]
public sealed class GssapiAuthTests : IAsyncLifetime
{
    private const int Size = 50_000;
    private const string Service = "rcmd/localhost";
    private readonly List<string> _outputs = [];
    private LoopbackHttpServer _http = null!;
    private KerberosRealm _realm = null!;
    private FarmNodeHost _node = null!;
    private IDictionary<string, string> _alice = null!;
    private IDictionary<string, string> _mallory = null!;

    public async Task InitializeAsync()
    {
        _http = new LoopbackHttpServer();
        _realm = await KerberosRealm.StartAsync();
        try
        {
            await StartNodeAsync();
        }
        catch
        {
            // xUnit does not call DisposeAsync when InitializeAsync throws: the KDC must not outlive the test.
            await _realm.DisposeAsync();
            await _http.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _realm.DisposeAsync();
        await _http.DisposeAsync();
        _outputs.ForEach(File.Delete);
    }

    private async Task StartNodeAsync()
    {
        var keytab = await _realm.AddPrincipalAsync(Service);
        _alice = await _realm.LoginAsync("alice", await _realm.AddPrincipalAsync("alice"));
        _mallory = await _realm.LoginAsync("mallory", await _realm.AddPrincipalAsync("mallory"));
        var hash = PasswordHasher.Hash("carol pass", iterations: 1_000);
        _node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            user carol {hash}
            pass connect from 127.0.0.0/8 to 127.0.0.0/8 user alice@{KerberosRealm.Realm}, carol
            """,
            new Dictionary<string, string?>
            {
                ["Farm:Socks:Gssapi:Keytab"] = keytab,
                ["Farm:Socks:Gssapi:ServicePrincipal"] = Service,
                ["Farm:Socks:PasswordFailuresPerSource"] = "3",
            });
    }


    [Fact]
    public async Task Ticket_DownloadsAsPrincipal()
    {
        var download = await GssapiGetAsync(_alice);

        Assert.True(download.ExitCode == 0, download.StandardError);
        Assert.Equal(TestContent.Sha256(_http.Content(Size)), TestContent.Sha256(await File.ReadAllBytesAsync(download.Output)));
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("alice@FARM.TEST", record.GetProperty("user").GetString());
        Assert.Equal("completed", record.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task PrincipalNoRuleAdmits_AbortedNothingRelayed()
    {
        var download = await GssapiGetAsync(_mallory);

        Assert.True(download.ExitCode == 2, download.StandardError);
        Assert.Contains("aborted", download.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(download.Output));
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("principal-not-allowed", record.GetProperty("outcome").GetString());
        Assert.Equal("mallory@FARM.TEST", record.GetProperty("user").GetString());
        Assert.Empty(_http.Peers);
    }

    [Fact]
    public async Task PasswordAndGssapiUsers_OneNode_BothDownload()
    {
        var kerberos = await GssapiGetAsync(_alice);
        var password = await Curl.GetAsync(_http.Url(Size), "--proxy", $"socks5h://carol:carol%20pass@{_node.ProxyAddress}");

        Assert.True(kerberos.ExitCode == 0, kerberos.StandardError);
        Assert.True(password.ExitCode == 0, password.Error);
        Assert.Equal(TestContent.Sha256(_http.Content(Size)), TestContent.Sha256(password.Body));
        var users = (await _node.SessionRecordsAsync(2)).Select(r => r.GetProperty("user").GetString()).Order().ToArray();
        Assert.Equal(new[] { "alice@FARM.TEST", "carol" }, users);
    }

    [Fact]
    public async Task PasswordUser_CannotClaimPrincipalName()
    {
        // "alice@FARM.TEST" is no password user: only a Kerberos ticket proves that name.
        var download = await Curl.GetAsync(_http.Url(Size), "--proxy", $"socks5h://alice%40FARM.TEST:guess@{_node.ProxyAddress}");

        Assert.NotEqual(0, download.ExitCode);
        Assert.Empty(_http.Peers);
    }

    [Fact]
    public async Task BogusContextToken_AbortedAndRecorded()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x01);
        Assert.Equal(new byte[] { 0x05, 0x01 }, await client.ReceiveExactlyAsync(2));

        await client.SendAsync(0x01, 0x01, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF);

        Assert.Equal(new byte[] { 0x01, 0xFF }, await client.ReceiveUntilClosedAsync());
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("gssapi-failed", record.GetProperty("outcome").GetString());
        Assert.Empty(_http.Peers);
    }

    [Fact]
    public async Task BogusTokens_SourceThrottledAfterThreeFailures_TicketRefusedUnlooked()
    {
        for (var i = 0; i < 3; i++)
        {
            using var client = await RawClient.ConnectAsync(_node.Endpoint);
            await client.SendAsync(0x05, 0x01, 0x01);
            Assert.Equal(new byte[] { 0x05, 0x01 }, await client.ReceiveExactlyAsync(2));
            await client.SendAsync(0x01, 0x01, 0x00, 0x02, 0x60, 0x00);
            Assert.Equal(new byte[] { 0x01, 0xFF }, await client.ReceiveUntilClosedAsync());
        }

        var download = await GssapiGetAsync(_alice);

        Assert.True(download.ExitCode == 2, download.StandardError);
        var outcomes = (await _node.SessionRecordsAsync(4)).Select(r => r.GetProperty("outcome").GetString()).ToArray();
        Assert.Equal(new[] { "gssapi-failed", "gssapi-failed", "gssapi-failed", "gssapi-throttled" }, outcomes);
        Assert.Empty(_http.Peers);
    }

    [Fact]
    public async Task OversizeTokenLength_AbortedWithoutReadingIt()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x01);
        Assert.Equal(new byte[] { 0x05, 0x01 }, await client.ReceiveExactlyAsync(2));

        await client.SendAsync(0x01, 0x01, 0xFF, 0xFF);

        Assert.Equal(new byte[] { 0x01, 0xFF }, await client.ReceiveUntilClosedAsync());
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("protocol-error", record.GetProperty("outcome").GetString());
    }

    private async Task<GssapiRun> GssapiGetAsync(IDictionary<string, string> login)
    {
        var output = Path.Combine(Path.GetTempPath(), $"farm-gss-{Guid.NewGuid():N}");
        _outputs.Add(output);
        string[] arguments =
        [
            RepoFiles.Path("tests", "clients", "socks5_gssapi_get.py"),
            "localhost", $"{_node.Endpoint.Port}", "rcmd",
            "127.0.0.1", $"{_http.Endpoint.Port}", $"/bytes/{Size}", output,
        ];
        var result = await ProcessRunner.RunAsync("/usr/bin/python3", arguments, TimeSpan.FromSeconds(40), login);
        return new GssapiRun(result.ExitCode, output, result.StandardError);
    }

    private sealed record GssapiRun(int ExitCode, string Output, string StandardError);
}
