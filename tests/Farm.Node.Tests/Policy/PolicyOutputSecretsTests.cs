using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Policy;

/// <summary>
/// A real node process whose policy routes through an upstream with a password: no admin answer, session
/// record or diagnostic line carries that password; <c>policy test</c> warns about a name pass before an address block.
/// </summary>
public sealed class PolicyOutputSecretsTests
{
    private const string Secret = "hunter2-upstream-secret";

    [Fact]
    public async Task Outputs_PolicyWithUpstreamPassword_NeverContainThePassword()
    {
        var admin = TestPorts.Next();
        var upstream = TestPorts.Next();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, $"""
                client pass from 127.0.0.0/8
                pass connect to *.partner.test name partner
                block any to 127.0.0.0/8, 10.0.0.0/8 name inward
                pass connect to any name outbound
                route to *.partner.test via socks5 127.0.0.1:{upstream} user farm password "{Secret}"
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = file,
                ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{admin}",
            });
            using var http = AdminTestToken.Client(TimeSpan.FromSeconds(20), new Uri($"http://127.0.0.1:{admin}/"));

            var shown = await http.GetStringAsync("policy");
            var tested = await (await http.PostAsJsonAsync("policy/test", new { from = "127.0.0.1", to = "db.partner.test:80" })).Content.ReadAsStringAsync();
            await ConnectByNameAsync(node.Endpoint, "db.partner.test", 80);
            for (var i = 0; i < 100 && node.SessionRecords().Count == 0; i++)
            {
                await Task.Delay(50);
            }

            Assert.Contains("password \\u0022***\\u0022", shown, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, shown, StringComparison.Ordinal);
            Assert.Contains("route to *.partner.test", tested, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, tested, StringComparison.Ordinal);
            var warnings = JsonDocument.Parse(tested).RootElement.GetProperty("warnings");
            Assert.Contains(warnings.EnumerateArray(), w => w.GetString()!.Contains("partner", StringComparison.Ordinal) && w.GetString()!.Contains("inward", StringComparison.Ordinal));
            var record = Assert.Single(node.SessionRecords());
            Assert.Equal($"socks5 127.0.0.1:{upstream}", record.GetProperty("route").GetString());
            Assert.DoesNotContain(Secret, record.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, node.Diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task ConnectByNameAsync(IPEndPoint node, string host, int port)
    {
        using var client = await RawClient.ConnectAsync(node);
        await client.SendAsync(0x05, 0x01, 0x00);
        await client.ReceiveExactlyAsync(2);
        var name = System.Text.Encoding.ASCII.GetBytes(host);
        await client.SendAsync([0x05, 0x01, 0x00, 0x03, (byte)name.Length, .. name, (byte)(port >> 8), (byte)port]);
        await client.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(15));
    }
}
