using System.Globalization;
using System.Net;
using Farm.Node.Dialing;
using Farm.Node.Options;
using Farm.Node.Tests.Support;
using Farm.Shared.Net;

namespace Farm.Node.Tests.Dialing;

/// <summary>
/// Outsider review of issue 16 (att16c): the configured servers' answers were cached with no bound on the number
/// of names, so one client asking for new names (answered with a long TTL) grew the node's memory without end.
/// </summary>
public sealed class NameResolverCacheTests
{
    [Fact]
    public async Task SameNameTwice_WithALongTtl_AskedTwice_NothingKept()
    {
        await using var dns = new CountingDnsServer(IPAddress.Parse("127.0.0.9")) { TimeToLive = 10 * 24 * 3600 };
        var resolver = new NameResolver(
            new ResolverOptions { Servers = [dns.Endpoint.ToString()], QueryTimeout = TimeSpan.FromSeconds(3) },
            SourcePrefixLengths.PerHost);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var first = await resolver.ResolveAsync("kept.cache.test", IPAddress.Loopback, timeout.Token);
        var afterFirst = dns.QueriesFor("kept.cache.test");
        var second = await resolver.ResolveAsync("kept.cache.test", IPAddress.Loopback, timeout.Token);

        Assert.Equal([IPAddress.Parse("127.0.0.9")], first);
        Assert.Equal(first, second);
        Assert.True(afterFirst > 0, "the first lookup never reached the server");
        Assert.True(
            dns.QueriesFor("kept.cache.test") == 2 * afterFirst,
            string.Create(CultureInfo.InvariantCulture, $"the second lookup of a name with a 10-day TTL sent {dns.QueriesFor("kept.cache.test") - afterFirst} queries, {afterFirst} expected: it was answered from a cache"));
    }
}
