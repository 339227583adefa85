using System.Diagnostics;
using System.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

// A 1,000-rule policy: 996 rules that each miss the requests below only at their last terms, so every
// request walks (almost) the whole list, then the default blocks and a final pass.
var rules = new List<string>();
for (var i = 0; i < 996; i++)
{
    rules.Add((i % 4) switch
    {
        0 => $"block connect from 10.{i % 250}.0.0/16 to 198.{i % 250}.0.0/16, *.d{i}.example port {1000 + i}",
        1 => $"pass connect from 10.0.0.0/8 to h{i}.example, *.s{i}.example port 80, 443",
        2 => $"block any to 2001:db8:{i:x}::/48, 203.0.{i % 250}.0/24",
        _ => $"pass connect, udp on 10.1.0.{i % 250} to any port {2000 + i}",
    });
}

rules.Add("block any to 127.0.0.0/8, 10.0.0.0/8, ::1/128, fe80::/10");
rules.Add("pass connect from 10.0.0.0/8 to *.late.example port 443 name late-host");
rules.Add("pass connect from 10.0.0.0/8 to 93.184.216.0/24 port 443 name late-address");
rules.Add("block connect to any port 9110");

var parsed = PolicyParser.Parse(string.Join('\n', rules));
if (!parsed.Success)
{
    Console.Error.WriteLine(string.Join('\n', parsed.Errors));
    return 1;
}

var policy = CompiledPolicy.Compile(parsed.Document!);
var client = IPAddress.Parse("10.20.30.40");
var listener = IPAddress.Parse("10.1.0.250");
PolicyRequest[] requests =
[
    new(SocksCommand.Connect, client, listener, "www.late.example", null, 443, AuthMethod.None, null),
    new(SocksCommand.Connect, client, listener, "www.late.example", IPAddress.Parse("93.184.216.34"), 443, AuthMethod.None, null),
    new(SocksCommand.Connect, client, listener, null, IPAddress.Parse("8.8.8.8"), 8443, AuthMethod.None, null),
    new(SocksCommand.Connect, client, listener, "nowhere.test", null, 22, AuthMethod.None, null),
    new(SocksCommand.Connect, client, listener, null, IPAddress.Parse("2606:2800:220:1::1"), 443, AuthMethod.None, null),
];

foreach (var request in requests)
{
    Console.WriteLine($"{request.Host ?? "-"} {request.Address?.ToString() ?? "-"}:{request.Port} -> {policy.Decide(request)}");
}

const int PerRound = 200_000;
var best = 0.0;
for (var round = 0; round < 5; round++)
{
    var passes = 0;
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < PerRound; i++)
    {
        passes += policy.Decide(requests[i % requests.Length]).Action == PolicyAction.Pass ? 1 : 0;
    }

    watch.Stop();
    var rate = PerRound / watch.Elapsed.TotalSeconds;
    best = Math.Max(best, rate);
    Console.WriteLine($"round {round}: {rate:N0} decisions/s ({passes} passed)");
}

Console.WriteLine($"{policy.RuleCount} rules, single thread, best of 5: {best:N0} decisions/s");
return 0;
