using Farm.Node.Authentication;
using Farm.Node.Options;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Authentication;

/// <summary>
/// The keytab checks at start, on keytabs written by MIT's ktutil: the acceptor takes tickets for every
/// principal a keytab holds, so the node starts only with exactly its service principal.
/// </summary>
// In-process nodes set KRB5_KTNAME for the whole process: these classes never run side by side.
[Collection("Kerberos environment")]
public sealed class GssapiKeytabTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-keytab-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Read_KtutilKeytab_NamesEveryPrincipalOnce()
    {
        var keytab = await KtutilAsync(("rcmd/localhost@FARM.TEST", 1), ("rcmd/localhost@FARM.TEST", 2), ("socks/proxy.example.org@EXAMPLE.ORG", 1));

        var principals = KeytabPrincipals.Read(await File.ReadAllBytesAsync(keytab), out var error);

        Assert.Null(error);
        Assert.Equal(new[] { "rcmd/localhost@FARM.TEST", "socks/proxy.example.org@EXAMPLE.ORG" }, principals);
    }

    [Theory]
    [InlineData(new byte[] { }, "not an MIT keytab (version 0x0502)")]
    [InlineData(new byte[] { 0x05, 0x01 }, "not an MIT keytab (version 0x0502)")]
    [InlineData(new byte[] { 0x05, 0x02, 0x00, 0x00 }, "truncated entry length at offset 2")]
    [InlineData(new byte[] { 0x05, 0x02, 0x00, 0x00, 0x00, 0x40, 0x00 }, "entry at offset 2 runs past the end")]
    [InlineData(new byte[] { 0x05, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x09 }, "malformed entry at offset 2")]
    public void Read_Damaged_SaysWhere(byte[] bytes, string expected)
    {
        Assert.Null(KeytabPrincipals.Read(bytes, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Read_DeletedEntry_Skipped()
    {
        // A negative size is a hole left by a removed entry.
        Assert.Equal(Array.Empty<string>(), KeytabPrincipals.Read([0x05, 0x02, 0xFF, 0xFF, 0xFF, 0xFE, 0xAA, 0xBB], out _));
    }

    [Fact]
    public void Create_NoKeytab_GssapiOff() => Assert.Null(GssapiAcceptor.Create(new GssapiOptions()));

    [Fact]
    public async Task Create_KeytabWithOtherPrincipal_Refused()
    {
        var keytab = await KtutilAsync(("rcmd/localhost@FARM.TEST", 1), ("host/localhost@FARM.TEST", 1));

        var error = Assert.Throws<InvalidOperationException>(() => GssapiAcceptor.Create(new GssapiOptions { Keytab = keytab, ServicePrincipal = "rcmd/localhost" }));

        Assert.Contains("also holds keys for host/localhost@FARM.TEST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_KeytabWithoutServicePrincipal_Refused()
    {
        var keytab = await KtutilAsync(("rcmd/localhost@FARM.TEST", 1));

        var error = Assert.Throws<InvalidOperationException>(() => GssapiAcceptor.Create(new GssapiOptions { Keytab = keytab, ServicePrincipal = "socks/localhost" }));

        Assert.Contains("holds no keys for socks/localhost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_KeytabForAnotherService_DoesNotStart()
    {
        var keytab = await KtutilAsync(("host/localhost@FARM.TEST", 1));
        var settings = new Dictionary<string, string?>
        {
            ["Farm:Socks:Gssapi:Keytab"] = keytab,
            ["Farm:Socks:Gssapi:ServicePrincipal"] = "rcmd/localhost",
        };

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await FarmNodeHost.StartAsync("pass auth gssapi", settings)).DisposeAsync());

        Assert.Contains("holds no keys for rcmd/localhost", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MissingFileOrPrincipal_Refused()
    {
        var missing = Path.Combine(_directory.FullName, "absent.keytab");
        Assert.Contains("cannot be read", Assert.Throws<InvalidOperationException>(() => GssapiAcceptor.Create(new GssapiOptions { Keytab = missing, ServicePrincipal = "rcmd/localhost" })).Message, StringComparison.Ordinal);
        Assert.Contains("ServicePrincipal is required", Assert.Throws<InvalidOperationException>(() => GssapiAcceptor.Create(new GssapiOptions { Keytab = missing })).Message, StringComparison.Ordinal);
    }

    private async Task<string> KtutilAsync(params (string Principal, int Version)[] entries)
    {
        var keytab = Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.keytab");
        var script = string.Concat(entries.Select(e => $"addent -password -p {e.Principal} -k {e.Version} -e aes256-cts-hmac-sha1-96\nsecret\n")) + $"wkt {keytab}\nquit\n";
        var input = Path.Combine(_directory.FullName, "ktutil.in");
        await File.WriteAllTextAsync(input, script);
        var result = await ProcessRunner.RunAsync("sh", ["-c", $"ktutil < {input}"], TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0 && File.Exists(keytab), result.StandardError + result.StandardOutput);
        return keytab;
    }
}
