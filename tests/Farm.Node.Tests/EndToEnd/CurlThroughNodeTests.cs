using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>Real curl, in each of its SOCKS modes, downloading through a real node.</summary>
public sealed class CurlThroughNodeTests : IAsyncLifetime
{
    private const int Size = 300_000;
    private LoopbackHttpServer _http = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _http = new LoopbackHttpServer();
        _node = await FarmNodeHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _http.DisposeAsync();
    }

    [Theory]
    [InlineData("--socks5", "127.0.0.1")]
    [InlineData("--socks5-hostname", "localhost")]
    [InlineData("--socks4", "127.0.0.1")]
    [InlineData("--socks4a", "localhost")]
    public async Task Curl_ProxyMode_DownloadsEveryByte(string mode, string host)
    {
        var download = await Curl.GetAsync(_http.Url(Size, host), mode, _node.ProxyAddress);

        Assert.True(download.ExitCode == 0, download.Error);
        Assert.Equal(TestContent.Sha256(_http.Content(Size)), TestContent.Sha256(download.Body));
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("completed", record.GetProperty("outcome").GetString());
        Assert.Equal(mode.StartsWith("--socks5", StringComparison.Ordinal) ? 5 : 4, record.GetProperty("version").GetInt32());
        Assert.True(record.GetProperty("bytes_down").GetInt64() > Size);
        Assert.StartsWith(host, record.GetProperty("destination").GetString());
    }

    [Fact]
    public async Task Curl_FiftyParallelDownloadsOfFiveMegabytes_EveryByteVerified()
    {
        const int fiveMegabytes = 5 * 1024 * 1024;
        var expected = TestContent.Sha256(_http.Content(fiveMegabytes));

        var downloads = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Curl.GetAsync(_http.Url(fiveMegabytes), "--socks5", _node.ProxyAddress)));

        Assert.All(downloads, d =>
        {
            Assert.True(d.ExitCode == 0, d.Error);
            Assert.Equal(expected, TestContent.Sha256(d.Body));
        });
        var records = await _node.SessionRecordsAsync(50);
        Assert.Equal(50, records.Count(r => r.GetProperty("outcome").GetString() == "completed"));
    }

    [Fact]
    public async Task Proxychains_PlainCurl_GoesThroughNode()
    {
        var config = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, $"strict_chain\nproxy_dns\ntcp_read_time_out 15000\ntcp_connect_time_out 8000\n[ProxyList]\nsocks5 {_node.Endpoint.Address} {_node.Endpoint.Port}\n");
            var output = Path.GetTempFileName();
            var result = await ProcessRunner.RunAsync(
                "proxychains4",
                ["-q", "-f", config, "curl", "--silent", "--show-error", "--max-time", "30", "--output", output, _http.Url(Size)],
                TimeSpan.FromSeconds(40));

            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Equal(TestContent.Sha256(_http.Content(Size)), TestContent.Sha256(await File.ReadAllBytesAsync(output)));
            File.Delete(output);
            var record = Assert.Single(await _node.SessionRecordsAsync(1));
            Assert.Equal($"{_http.Endpoint.Address}:{_http.Endpoint.Port}", record.GetProperty("destination").GetString());
        }
        finally
        {
            File.Delete(config);
        }
    }
}
