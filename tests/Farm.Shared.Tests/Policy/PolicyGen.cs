using System.Net;
using CsCheck;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Policy;

/// <summary>
/// Random valid documents and requests over small pools of values, so that rules and requests overlap
/// often enough for first-match order to matter.
/// </summary>
internal static class PolicyGen
{
    private static readonly string[] Networks =
        ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "192.168.0.0/16", "0.0.0.0/0", "93.184.216.0/24", "2001:db8::/32", "::/0", "::1", "fe80::/10", "::ffff:0:0/96"];

    private static readonly string[] Addresses =
        ["10.1.2.3", "10.9.9.9", "192.168.1.1", "93.184.216.34", "8.8.8.8", "::ffff:10.1.2.3", "::ffff:93.184.216.34", "2001:db8::1", "::1", "fe80::1", "2a00::1"];

    private static readonly string[] Hosts = ["example.com", "a.example.com", "b.a.example.com", "example.org", "x.test"];

    private static readonly string[] HostForms = ["example.com", "EXAMPLE.com.", "a.example.com", "B.A.Example.Com", "example.org", "www.example.org.", "x.test", "y.test"];

    private static readonly int[] Ports = [0, 22, 53, 80, 443, 1000, 1500, 65535];

    public static readonly string[] UserNames = ["alice", "bob", "carol"];

    /// <summary>Defined users and Kerberos principals (names with '@' that no user statement defines).</summary>
    private static readonly string[] PrincipalNames = ["alice", "bob", "carol", "erin@FARM.TEST", "frank@OTHER.TEST"];

    private static readonly string[] GroupNames = ["staff", "ops"];

    private static Gen<T?> OrNull<T>(Gen<T> gen)
        where T : struct =>
        Gen.Int[0, 2].SelectMany(i => i == 0 ? Gen.Const((T?)null) : gen.Select(v => (T?)v));

    private static Gen<EquatableArray<T>> ListOf<T>(Gen<T> gen) => gen.Array[1, 3].Select(a => (EquatableArray<T>)a);

    private static readonly Gen<IPNetwork> Network = Gen.OneOfConst(Networks).Select(n => IPNetwork.Parse(n.Contains('/') ? n : n + (n.Contains(':') ? "/128" : "/32")));

    private static readonly Gen<Destination> Destination = Gen.OneOf<Destination>(
        Network.Select(n => (Destination)new NetworkDestination(n)),
        Gen.OneOfConst(Hosts).Select(h => (Destination)new HostDestination(h)),
        Gen.OneOfConst(Hosts).Select(h => (Destination)new DomainSuffixDestination(h)));

    private static readonly Gen<PortRange> PortRange = Gen.OneOf(
        Gen.OneOfConst(Ports).Select(p => new PortRange(p, p)),
        Gen.Int[0, 65535].Select(Gen.Int[0, 2000], (p, w) => new PortRange(p, Math.Min(65535, p + w))));

    private static readonly Gen<PolicyLogLevel> Log = Gen.Enum<PolicyLogLevel>();

    private static readonly Gen<RequestRule> Rule =
        Gen.Select(
            Gen.Enum<PolicyAction>(),
            Gen.Int[1, 7].Select(c => (CommandSet)c),
            OrNull(ListOf(Network)),
            OrNull(ListOf(Network)),
            OrNull(ListOf(Destination)),
            OrNull(ListOf(PortRange)),
            OrNull(Gen.Enum<AuthMethod>()),
            Gen.Select(OrNull(ListOf(Gen.OneOfConst(PrincipalNames))), OrNull(ListOf(Gen.OneOfConst(GroupNames))), Log, Gen.Bool))
        .Select(t =>
        {
            var (action, commands, from, on, to, ports, auth, (users, groups, log, named)) = t;
            var principals = auth == AuthMethod.None;
            return new RequestRule(0, action, commands, from, on, to, ports, auth, principals ? null : users, principals ? null : groups, (auth is null or AuthMethod.Gssapi) && named ? "FARM.TEST" : null, named ? "n" : null, log);
        });

    private static readonly Gen<ClientRule> Client =
        Gen.Select(Gen.Enum<PolicyAction>(), OrNull(ListOf(Network)), OrNull(ListOf(Network)), Log, Gen.Bool)
            .Select((action, from, on, log, named) => new ClientRule(0, action, from, on, named ? "n" : null, log));

    private static readonly Gen<RouteTarget> Target = Gen.OneOf(
        Gen.Const<RouteTarget>(DirectRoute.Instance),
        Gen.OneOfConst(Addresses).Select(a => (RouteTarget)new EgressRoute(IPAddress.Parse(a))),
        Gen.Select(Gen.OneOfConst("up.example", "2001:db8::9", "192.0.2.1"), Gen.Int[1, 65535], Gen.Bool, Gen.String)
            .Select((h, p, creds, pw) => (RouteTarget)new UpstreamRoute(h, p, creds ? "u s,er" : null, creds ? "#" + pw : null)));

    private static readonly Gen<RouteRule> Route =
        Gen.Select(OrNull(ListOf(Destination)), OrNull(ListOf(PortRange)), Target).Select((to, ports, via) => new RouteRule(0, to, ports, via));

    private static readonly Gen<LimitRule[]> Limits = Gen.Select(
        OrNull(Gen.Int[1, 100_000_000].Select(ms => TimeSpan.FromMilliseconds(ms))),
        OrNull(Gen.Long[1, 999_999_999_999]),
        OrNull(Gen.Int[1, 100_000]),
        OrNull(Gen.Int[1, 100]))
        .Select((timeout, bandwidth, sessions, perUser) => new LimitRule?[]
        {
            timeout is { } t ? new TimeoutLimit(0, TimeoutKind.Idle, t) : null,
            bandwidth is { } b ? new BandwidthLimit(0, b) : null,
            sessions is { } s ? new SessionLimit(0, NodeSubject.Instance, s) : null,
            perUser is { } u ? new SessionLimit(0, new UserSubject("bob"), u) : null,
            perUser is { } g ? new SessionLimit(0, new GroupSubject("staff"), g * 2) : null,
            perUser is { } n ? new SessionLimit(0, new SourceSubject(IPNetwork.Parse("10.0.0.0/8")), n * 3) : null,
        }.OfType<LimitRule>().ToArray());

    /// <summary>Statements get increasing lines with random gaps, as if read from a file with comments.</summary>
    public static readonly Gen<PolicyDocument> Document =
        Gen.Select(Client.Array[0, 4], Rule.Array[0, 12], Route.Array[0, 4], Limits, Gen.Int[1, 3].Array[40])
            .Select((clients, rules, routes, limits, gaps) =>
            {
                var gap = 0;
                var line = 0;
                int Next() => line += gaps[gap++ % gaps.Length];
                string? Name(string? name) => name is null ? null : $"rule-{line}";

                return new PolicyDocument(
                    [.. clients.Select(c => c with { Line = Next() }).Select(c => c with { Name = Name(c.Name) })],
                    [.. UserNames.Select(u => new UserEntry(Next(), u, u == "bob" ? TestHashes.Bob : TestHashes.Alice))],
                    [new GroupEntry(Next(), "staff", ["alice", "bob", "erin@FARM.TEST"]), new GroupEntry(Next(), "ops", ["carol"])],
                    [.. rules.Select(r => r with { Line = Next() }).Select(r => r with { Name = Name(r.Name) })],
                    [.. routes.Select(r => r with { Line = Next() })],
                    [.. limits.Select(l => l with { Line = Next() })]);
            });

    public static readonly Gen<PolicyRequest> Request =
        Gen.Select(
            Gen.Int[1, 3].Select(c => (SocksCommand)c),
            Gen.OneOfConst(Addresses),
            Gen.OneOfConst(Addresses),
            Gen.OneOf(Gen.Const((string?)null), Gen.OneOfConst(HostForms).Select(h => (string?)h)),
            Gen.OneOf(Gen.Const((string?)null), Gen.OneOfConst(Addresses).Select(a => (string?)a)),
            Gen.OneOfConst(Ports),
            Gen.OneOf(Gen.Const((string?)null), Gen.OneOfConst("alice", "bob", "carol", "dave", "erin@FARM.TEST", "frank@OTHER.TEST", "alice@FARM.TEST").Select(u => (string?)u)))
        .Select((command, client, listener, host, address, port, user) => new PolicyRequest(
            command,
            IPAddress.Parse(client),
            IPAddress.Parse(listener),
            host,
            address is null ? null : IPAddress.Parse(address),
            port,
            user is null ? AuthMethod.None : user.Contains('@', StringComparison.Ordinal) ? AuthMethod.Gssapi : AuthMethod.Password,
            user));
}
