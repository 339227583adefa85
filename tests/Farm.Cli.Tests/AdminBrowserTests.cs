using System.Text.Json;
using Farm.Cli.Tests.Support;
using Farm.Shared.Admin;

namespace Farm.Cli.Tests;

/// <summary>
/// A web page in the operator's browser cannot drive the admin endpoint: requests with an Origin,
/// a foreign Host (DNS rebinding), a non-JSON write or an oversized body are refused before any
/// route runs, even when they carry the right token, and the farm's policy stays as it was.
/// </summary>
public sealed class AdminBrowserTests : IAsyncLifetime
{
    private const string Token = "browser-test-token";
    private const string AllowedName = "farm-admin.test";
    private const string Attack = """{"text":"pass any to any\n","author":"web page"}""";
    private NodeHost _node = null!;

    private string Url => $"http://{_node.Admin}";

    private static string[] Authorized => ["-H", $"Authorization: Bearer {Token}"];

    public async Task InitializeAsync()
    {
        _node = await NodeHost.StartAsync(new Dictionary<string, string?>
        {
            ["Farm:Admin:Token"] = Token,
            ["Farm:Admin:AllowedHosts:0"] = AllowedName,
        });

        // The node seeds the farm's first version just after it starts; the tests compare with that one.
        var version = await Eventually.UntilAsync(PolicyVersionAsync, v => v > 0, TimeSpan.FromSeconds(15));
        Assert.True(version > 0, "the node never enforced a farm policy");
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData("text/plain", null)]
    [InlineData("application/x-www-form-urlencoded", null)]
    [InlineData("text/plain", "http://evil.example")]
    [InlineData("application/json", "http://evil.example")]
    [InlineData("application/json", "null")]
    public async Task PolicyWriteFromAPage_RefusedAndPolicyStays(string contentType, string? origin)
    {
        var before = await PolicyVersionAsync();
        string[] browser = origin is null ? [] : ["-H", $"Origin: {origin}"];

        var apply = await Curl.RunAsync(Url + AdminRoutes.PolicyApply, ["-X", "POST", "-H", $"Content-Type: {contentType}", "--data", Attack, .. browser, .. Authorized]);
        var bare = await Curl.RunAsync(Url + AdminRoutes.Policy, ["-X", "POST", "-H", $"Content-Type: {contentType}", "--data", "pass any to any", .. browser, .. Authorized]);

        Assert.Equal(origin is null ? 415 : 403, apply.Status);
        Assert.InRange(bare.Status, 400, 499);
        Assert.Equal(before, await PolicyVersionAsync());
    }

    [Fact]
    public async Task PreflightWithOrigin_Refused()
    {
        var preflight = await Curl.RunAsync(Url + AdminRoutes.PolicyApply, ["-X", "OPTIONS", "-H", "Origin: http://evil.example", "-H", "Access-Control-Request-Method: POST"]);

        Assert.Equal(403, preflight.Status);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("rebound.evil.example:{port}")]
    [InlineData("localhost:{port}")]
    [InlineData("127.0.0.2:{port}")]
    [InlineData("127.0.0.1:1")]
    [InlineData("127.1:{port}")]
    [InlineData("0x7f.0.0.1:{port}")]
    [InlineData("2130706433:{port}")]
    [InlineData("127.0.0.1:0{port}")]
    [InlineData("127.000.0.1:{port}")]
    public async Task ForeignHost_Refused(string host)
    {
        var port = _node.Admin[(_node.Admin.LastIndexOf(':') + 1)..];

        var read = await Curl.RunAsync(Url + AdminRoutes.Policy, ["-H", $"Host: {host.Replace("{port}", port, StringComparison.Ordinal)}", .. Authorized]);

        Assert.Equal(421, read.Status);
        Assert.DoesNotContain("pass", read.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("127.0.0.1")]
    [InlineData(AllowedName + ":{port}")]
    [InlineData(AllowedName)]
    public async Task OwnAddressOrAllowedName_Served(string host)
    {
        var port = _node.Admin[(_node.Admin.LastIndexOf(':') + 1)..];

        var read = await Curl.RunAsync(Url + AdminRoutes.Policy, ["-H", $"Host: {host.Replace("{port}", port, StringComparison.Ordinal)}", .. Authorized]);

        Assert.Equal(200, read.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BodyOverTheLimit_413(bool chunked)
    {
        var before = await PolicyVersionAsync();
        var big = Path.GetTempFileName();
        try
        {
            // A valid apply request whose policy text (comments) is just over the 1 MiB default limit.
            var padding = new string('#', (1024 * 1024) + 16);
            await File.WriteAllTextAsync(big, JsonSerializer.Serialize(new PolicyApplyRequest(padding + "\npass any to any\n", "big"), AdminJsonContext.Default.PolicyApplyRequest));
            string[] encoding = chunked ? ["-H", "Transfer-Encoding: chunked"] : [];

            var apply = await Curl.RunAsync(Url + AdminRoutes.PolicyApply, ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", $"@{big}", .. encoding, .. Authorized]);

            Assert.Equal(413, apply.Status);
            Assert.Equal(before, await PolicyVersionAsync());
        }
        finally
        {
            File.Delete(big);
        }
    }

    [Fact]
    public async Task JsonWriteWithTokenAndOwnHost_Accepted()
    {
        var test = await Curl.RunAsync(Url + AdminRoutes.PolicyTest, ["-X", "POST", "-H", "Content-Type: application/json; charset=utf-8", "--data", """{"from":"127.0.0.1","to":"127.0.0.1:80","command":"connect"}""", .. Authorized]);

        Assert.Equal(200, test.Status);
    }

    private async Task<long> PolicyVersionAsync()
    {
        var show = await Curl.RunAsync(Url + AdminRoutes.Policy, Authorized);
        Assert.Equal(200, show.Status);
        return JsonSerializer.Deserialize(show.Body, AdminJsonContext.Default.PolicyView)!.Version;
    }
}
