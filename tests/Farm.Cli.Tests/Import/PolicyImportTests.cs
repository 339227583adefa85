using System.Text.RegularExpressions;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests.Import;

/// <summary>
/// <c>farmctl policy import</c> on Debian's Dante example configurations (as shipped, and with their
/// commented examples switched on), on hand-written edge cases and on an NEC-style socks5.conf: every
/// output passes <c>policy check</c>, every construct left out is reported with its line, and nothing is
/// converted into a rule that passes more than the source did.
/// </summary>
public sealed partial class PolicyImportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("farmctl-import-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("danted.conf")]
    [InlineData("danted-basic.conf")]
    [InlineData("danted-chaining.conf")]
    [InlineData("etc-danted.conf")]
    public async Task DebianExample_AsShipped_ConvertsAndPassesPolicyCheck(string example)
    {
        var (import, check) = await ImportAndCheckAsync("dante", await File.ReadAllTextAsync(Example(example)));

        Assert.True(import.ExitCode == 0, import.Error);
        Assert.True(check.ExitCode == 0, check.Error + check.Output);
        if (example == "danted-basic.conf")
        {
            Assert.Contains("block any to 127.0.0.0/8, ::1 name dante-18 log info", import.Lines);
        }
    }

    [Fact]
    public async Task DebianExamples_CommentedRulesSwitchedOn_ConvertWithEveryLeftOutConstructReported()
    {
        var full = await ImportAndCheckAsync("dante", Uncomment(await File.ReadAllTextAsync(Example("danted.conf"))));
        var basic = await ImportAndCheckAsync("dante", Uncomment(await File.ReadAllTextAsync(Example("danted-basic.conf"))));
        var chaining = await ImportAndCheckAsync("dante", Uncomment(await File.ReadAllTextAsync(Example("danted-chaining.conf"))));

        Assert.All(new[] { full, basic, chaining }, r => Assert.True(r.Import.ExitCode == 0 && r.Check.ExitCode == 0, r.Import.Error + r.Check.Error));
        Assert.Contains("client pass from 10.0.0.0/8 name dante-173", full.Import.Lines);
        Assert.Contains("block any to 127.0.0.0/8, ::1 name dante-192 log info", full.Import.Lines);
        Assert.Contains("block any to *.example.com, example.com port 80 name dante-248 log info", full.Import.Lines);
        Assert.Contains("limit handshake-timeout 30s", full.Import.Lines);

        // The file's last global socksmethod is pam, which Farm lacks: its pass rules would pass without it.
        Assert.Contains(":218: not converted: socks pass rule left out", full.Import.Error, StringComparison.Ordinal);
        Assert.Contains(":165: not converted: client pass rule left out", full.Import.Error, StringComparison.Ordinal);
        Assert.Contains(":232: not converted: command bindreply", full.Import.Error, StringComparison.Ordinal);
        Assert.Contains(":269: not converted: route from:", full.Import.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(full.Import.Lines, l => l.StartsWith("pass", StringComparison.Ordinal));

        Assert.Contains("block bind to any port 0-1023 name dante-21 log info", basic.Import.Lines);
        Assert.Contains("pass any to any name dante-28", basic.Import.Lines);
        Assert.Contains(":12: not converted: 'fxp0' is an interface name", basic.Import.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(basic.Import.Lines, l => l.StartsWith("client pass", StringComparison.Ordinal));

        Assert.Contains("route to any port 80 via socks5 sockd2.example.org:1080", chaining.Import.Lines);
    }

    [Fact]
    public async Task Dante_EdgeCases_ConvertFaithfullyOrFailClosed()
    {
        const string config = """
            timeout.negotiate: 15
            timeout.io: 0
            socksmethod: username none
            client pass { from: 10.0.0.0/255.255.0.0 port 1-65535 to: 0/0 }
            client pass { from: eth0 to: 0/0 }
            client pass {
                    from: 172.16.0.0/12 to: 10.1.0.10
                    log: error
            }
            socks block { from: 0/0 to: eth1 command: connect }
            socks pass { from: 10.0.0.0/16 to: .example.org port ne 80 command: connect bind }
            socks pass { from: 10.0.0.0/16 to: 0/0 port = https socksmethod: username }
            socks pass { from: 10.0.0.0/16 to: 0/0 socksmethod: pam }
            socks pass { from: 10.0.0.0/16 to: 0/0 user: alice bob }
            socks block { from: 0/0 to: 0/0 group: contractors }
            socks pass { from: 10.0.0.0/16 to: 0/0 protocol: udp session.max: 40 }
            route { from: 0/0 to: .partner.test via: direct }
            socks pass { from: 10.9.0.0/16 to: 0/0
            """;

        var (import, check) = await ImportAndCheckAsync("dante", config);

        Assert.True(import.ExitCode == 0 && check.ExitCode == 0, import.Error + check.Error);
        Assert.Contains("client pass from 10.0.0.0/16 name dante-4", import.Lines);
        Assert.Contains("client pass from 172.16.0.0/12 on 10.1.0.10 name dante-6 log warning", import.Lines);
        Assert.DoesNotContain(import.Lines, l => l.StartsWith("client pass name", StringComparison.Ordinal));
        Assert.Contains("block connect to any name dante-10", import.Lines);
        Assert.Contains("pass bind, connect from 10.0.0.0/16 to *.example.org, example.org port 0-79, 81-65535 name dante-11", import.Lines);
        Assert.Contains("pass any from 10.0.0.0/16 to any port 443 auth password name dante-12", import.Lines);
        Assert.DoesNotContain(import.Lines, l => l.Contains("dante-13", StringComparison.Ordinal));
        Assert.Contains("# pass any from 10.0.0.0/16 to any user alice, bob name dante-14", import.Lines);
        Assert.Contains("block any to any name dante-15", import.Lines);
        Assert.Contains("pass udp from 10.0.0.0/16 to any name dante-16", import.Lines);
        Assert.Contains("limit from 10.0.0.0/16 sessions 40", import.Lines);
        Assert.Contains("route to *.partner.test, partner.test via direct", import.Lines);
        Assert.Contains("limit handshake-timeout 15s", import.Lines);
        Assert.DoesNotContain(import.Lines, l => l.StartsWith("limit idle-timeout", StringComparison.Ordinal));
        Assert.Contains(":5: not converted: 'eth0' is an interface name", import.Error, StringComparison.Ordinal);
        Assert.Contains(":10: not converted: socks block rule kept without the condition(s) above", import.Error, StringComparison.Ordinal);
        Assert.Contains(":13: not converted: socks pass rule left out", import.Error, StringComparison.Ordinal);
        Assert.Contains(":14: not converted: user/group alice, bob: rule written as a comment", import.Error, StringComparison.Ordinal);
        Assert.Contains(":18: not converted: block not closed with '}'", import.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NecSocks5Conf_PermitDenyAndProxyLines_Converted()
    {
        const string config = """
            auth - - u
            permit u c 10.0.0.0/255.0.0.0 - - [1,1023]
            permit - cb 192.168.1.0/24 .example.com - 443 alice,bob
            deny - - - 127.0.0.1 - -
            permit - p 10.0.0.0/8 - - -
            permit - - 10.0.0.0/8 - [1024,65535] -
            permit - u 10.0.0.0/8 - - (52,54)
            socks5 .partner.test - proxy.partner.test:1080
            noproxy 10.0.0.0/255.0.0.0 -
            """;

        var (import, check) = await ImportAndCheckAsync("socks5", config);

        Assert.True(import.ExitCode == 0 && check.ExitCode == 0, import.Error + check.Error);
        Assert.Contains("pass connect from 10.0.0.0/8 to any port 1-1023 auth password name socks5conf-2", import.Lines);
        Assert.Contains("# pass bind, connect from 192.168.1.0/24 to *.example.com, example.com port 443 name socks5conf-3 user alice, bob", import.Lines);
        Assert.Contains("block any to 127.0.0.1 name socks5conf-4", import.Lines);
        Assert.Contains("pass udp from 10.0.0.0/8 to any port 53 name socks5conf-7", import.Lines);
        Assert.Contains("route to *.partner.test, partner.test via socks5 proxy.partner.test:1080", import.Lines);
        Assert.Contains("route to 10.0.0.0/8 via direct", import.Lines);
        Assert.DoesNotContain(import.Lines, l => l.Contains("socks5conf-5", StringComparison.Ordinal) || l.Contains("socks5conf-6", StringComparison.Ordinal));
        Assert.Contains(":6: not converted: a client port condition (1024-65535)", import.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_UnknownFormat_UsageError()
    {
        var result = await Farmctl.RunAsync("policy", "import", "--from", "squid", "/dev/null");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--from must be dante", result.Error, StringComparison.Ordinal);
    }

    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "Import", "Dante", name);

    /// <summary>Switches on the examples Debian ships commented out: "#client pass {", "#        from: ...", "#}".</summary>
    private static string Uncomment(string text) => CommentedConfig().Replace(text, "");

    private async Task<(Farmctl.Result Import, Farmctl.Result Check)> ImportAndCheckAsync(string format, string config)
    {
        var source = Path.Combine(_directory, $"source-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(source, config);
        var import = await Farmctl.RunAsync("policy", "import", "--from", format, source);
        var converted = Path.Combine(_directory, $"converted-{Guid.NewGuid():N}.policy");
        await File.WriteAllTextAsync(converted, import.Output);
        return (import, await Farmctl.RunAsync("policy", "check", converted));
    }

    [GeneratedRegex(@"^#(?=\s*[a-z][a-z._]*:|\s*\}|[a-z]+( [a-z]+)? \{)", RegexOptions.Multiline)]
    private static partial Regex CommentedConfig();
}
