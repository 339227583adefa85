using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Farm.Shared.Security;
using Farm.Shared.Socks;

namespace Farm.Shared.Policy;

/// <summary>
/// A policy version ready for the data path: immutable and safe to share between threads; compile it once
/// per version. Decisions do not allocate. Every address is folded from IPv4-mapped IPv6 to IPv4 first.
/// </summary>
public sealed class CompiledPolicy
{
    /// <summary>
    /// Keys the password cache so that a memory dump shows neither passwords nor hashes that could be
    /// attacked offline faster than the PBKDF2 ones in the policy.
    /// </summary>
    private static readonly byte[] CacheKey = RandomNumberGenerator.GetBytes(32);

    private readonly CompiledClientRule[] _clientRules;
    private readonly CompiledRequestRule[] _rules;
    private readonly CompiledRequestRule[][] _rulesByCommand;
    private readonly CompiledRouteRule[] _routes;
    private readonly FrozenDictionary<string, PasswordHash> _users;
    private readonly FrozenDictionary<string, HashSet<string>> _groups;

    /// <summary>Work done for unknown users, as costly as the dearest real hash, so timing does not reveal which names exist.</summary>
    private readonly PasswordHash _dummyHash;

    /// <summary>
    /// Last successfully verified password per user, as an HMAC: PBKDF2 at 600,000 iterations costs about
    /// 0.3 s of CPU, which every SOCKS connection of a logged-in user would otherwise pay again. Wrong
    /// passwords are never cached, so guessing stays as expensive as the hash makes it; the cache dies with
    /// this policy version, so a changed password takes effect with the next one.
    /// </summary>
    private readonly ConcurrentDictionary<string, byte[]> _verified = new(StringComparer.Ordinal);

    private CompiledPolicy(PolicyDocument doc)
    {
        Document = doc;
        _users = doc.Users.ToFrozenDictionary(
            u => u.Name,
            u => PasswordHasher.TryParseEncoded(u.PasswordHash, out var hash, out var error)
                ? hash
                : throw new ArgumentException($"user {u.Name} on line {u.Line}: {error}", nameof(doc)),
            StringComparer.Ordinal);
        _dummyHash = new PasswordHash(
            _users.Count > 0 ? _users.Values.Max(h => h.Iterations) : PasswordHasher.DefaultIterations,
            [.. new byte[PasswordHasher.SaltSize]],
            [.. new byte[PasswordHasher.HashSize]]);
        _groups = doc.Groups.ToFrozenDictionary(g => g.Name, g => new HashSet<string>(g.Members, StringComparer.Ordinal), StringComparer.Ordinal);
        _clientRules = [.. doc.ClientRules.Select(r => new CompiledClientRule(r))];
        _rules = [.. doc.Rules.Select(r => new CompiledRequestRule(r, _groups, _users))];
        _rulesByCommand =
        [
            [.. _rules.Where(r => r.Rule.Commands.HasFlag(CommandSet.Connect))],
            [.. _rules.Where(r => r.Rule.Commands.HasFlag(CommandSet.Bind))],
            [.. _rules.Where(r => r.Rule.Commands.HasFlag(CommandSet.Udp))],
        ];
        _routes = [.. doc.Routes.Select(r => new CompiledRouteRule(r))];
        Limits = PolicyLimits.From(doc);
    }

    public PolicyDocument Document { get; }

    public PolicyLimits Limits { get; }

    /// <summary>Client, request and route rules.</summary>
    public int RuleCount => _clientRules.Length + _rules.Length + _routes.Length;

    public static CompiledPolicy Compile(PolicyDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return new CompiledPolicy(doc);
    }

    /// <summary>First matching client rule; a client no rule lets in is blocked.</summary>
    public ClientDecision DecideClient(IPAddress client, IPAddress listener)
    {
        var clientKey = IpKey.From(client);
        var listenerKey = IpKey.From(listener);
        foreach (var rule in _clientRules)
        {
            if (rule.Matches(clientKey, listenerKey))
            {
                return rule.Decision;
            }
        }

        return new ClientDecision(PolicyAction.Block, null);
    }

    /// <summary>
    /// The methods some applicable pass rule would accept. A rule with no auth, user, group or realm term passes
    /// either way, so it offers passwords too once the policy has users to check them against; GSSAPI is offered
    /// only by rules that name it (<c>auth gssapi</c>, a realm, or a principal that is not a password user).
    /// </summary>
    public AuthRequirement AuthFor(IPAddress client, IPAddress listener)
    {
        var clientKey = IpKey.From(client);
        var listenerKey = IpKey.From(listener);
        var result = AuthRequirement.None;
        foreach (var rule in _rules)
        {
            if (rule.Rule.Action != PolicyAction.Pass || !rule.AppliesTo(clientKey, listenerKey))
            {
                continue;
            }

            if (rule.NeedsLogin)
            {
                result |= rule.AcceptsPassword ? AuthRequirement.PasswordAccepted : AuthRequirement.None;
                result |= rule.AcceptsGssapi ? AuthRequirement.GssapiAccepted : AuthRequirement.None;
            }
            else
            {
                result |= AuthRequirement.NoneAccepted;
                if (rule.Rule.Auth is null && _users.Count > 0)
                {
                    result |= AuthRequirement.PasswordAccepted;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Whether some pass rule could apply to this client, listener and login, whatever the command and
    /// destination: a GSSAPI principal no rule admits is refused during the handshake.
    /// </summary>
    public bool AdmitsLogin(IPAddress client, IPAddress listener, AuthMethod auth, string user)
    {
        var request = new PolicyRequest(SocksCommand.Connect, client, listener, null, null, 0, auth, user);
        var clientKey = IpKey.From(client);
        var listenerKey = IpKey.From(listener);
        foreach (var rule in _rules)
        {
            if (rule.Rule.Action == PolicyAction.Pass && rule.CanApply(request, clientKey, listenerKey))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>First matching request rule; nothing matched is a block with no rule.</summary>
    public RequestDecision Decide(in PolicyRequest request)
    {
        var index = IndexOf(request.Command);
        if (index < 0)
        {
            return new RequestDecision(PolicyAction.Block, null);
        }

        var client = IpKey.From(request.Client);
        var listener = IpKey.From(request.Listener);
        var address = request.Address is { } a ? IpKey.From(a) : default;
        var host = DestinationSet.Normalize(request.Host);
        foreach (var rule in _rulesByCommand[index])
        {
            if (rule.Matches(request, client, listener, host, address))
            {
                return new RequestDecision(rule.Rule.Action, rule.Info);
            }
        }

        return new RequestDecision(PolicyAction.Block, null);
    }

    /// <summary>
    /// The first pass rule for the request's command that can apply to its client, listener and login,
    /// whatever the destination; null when there is none.
    /// </summary>
    public PolicyRuleInfo? FirstPassRuleFor(in PolicyRequest request)
    {
        var index = IndexOf(request.Command);
        if (index < 0)
        {
            return null;
        }

        var client = IpKey.From(request.Client);
        var listener = IpKey.From(request.Listener);
        foreach (var rule in _rulesByCommand[index])
        {
            if (rule.Rule.Action == PolicyAction.Pass && rule.CanApply(request, client, listener))
            {
                return rule.Info;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether some pass rule for a request by name could match it once resolved: one that matches the name
    /// itself, has no destination, or lists networks an address might fall in, for this client, listener,
    /// login and port. False means every address would be refused, so the name need not be resolved at all.
    /// </summary>
    public bool MayPassSomeAddress(in PolicyRequest request)
    {
        var index = IndexOf(request.Command);
        if (index < 0)
        {
            return false;
        }

        var client = IpKey.From(request.Client);
        var listener = IpKey.From(request.Listener);
        var host = DestinationSet.Normalize(request.Host);
        foreach (var rule in _rulesByCommand[index])
        {
            if (rule.Rule.Action == PolicyAction.Pass
                && (rule.Ports is null || rule.Ports.Contains(request.Port))
                && rule.CanApply(request, client, listener)
                && (rule.To is null || rule.To.HasNetworks || rule.To.Matches(host, request.Host is not null, default, hasAddress: false)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>First matching route rule, with the same name/address semantics as <see cref="Decide"/>; direct otherwise.</summary>
    public RouteDecision Route(string? host, IPAddress? address, int port)
    {
        var key = address is null ? default : IpKey.From(address);
        var name = DestinationSet.Normalize(host);
        foreach (var route in _routes)
        {
            if (route.Matches(name, host is not null, key, address is not null, port))
            {
                return route.Decision;
            }
        }

        return new RouteDecision(DirectRoute.Instance, null);
    }

    private static int IndexOf(SocksCommand command) => command switch
    {
        SocksCommand.Connect => 0,
        SocksCommand.Bind => 1,
        SocksCommand.UdpAssociate => 2,
        _ => -1,
    };

    /// <summary>
    /// Whether this is the password last verified for this user under this version: an HMAC, cheap enough
    /// to answer before a bounded hashing queue. False says nothing about the password.
    /// </summary>
    public bool MatchesVerified(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        return _verified.TryGetValue(user, out var known)
            && CryptographicOperations.FixedTimeEquals(known, HMACSHA256.HashData(CacheKey, Encoding.UTF8.GetBytes(password)));
    }

    public bool VerifyPassword(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        if (!_users.TryGetValue(user, out var hash))
        {
            PasswordHasher.Verify(_dummyHash, password);
            return false;
        }

        var fingerprint = HMACSHA256.HashData(CacheKey, Encoding.UTF8.GetBytes(password));
        if (_verified.TryGetValue(user, out var known) && CryptographicOperations.FixedTimeEquals(known, fingerprint))
        {
            return true;
        }

        if (!PasswordHasher.Verify(hash, password))
        {
            return false;
        }

        _verified[user] = fingerprint;
        return true;
    }

    /// <summary>Whether a <c>user</c> statement defines this name, which then always means a password login.</summary>
    public bool HasUser(string user) => _users.ContainsKey(user);

    public bool IsInGroup(string user, string group) =>
        _groups.TryGetValue(group, out var members) && members.Contains(user);

    /// <summary>The session limits that count a new session from this client and user (not the node-wide one).</summary>
    /// <summary>
    /// The fewest sessions any <c>limit from NET sessions N</c> covering <paramref name="client"/> allows, or
    /// null when none covers it: a network's sessions together never exceed N, so neither do one source's.
    /// </summary>
    public int? SourceSessionCap(IPAddress client)
    {
        int? cap = null;
        if (Limits.SessionLimits.Count == 0)
        {
            return cap;
        }

        var key = IpKey.From(client);
        foreach (var limit in Limits.SessionLimits)
        {
            if (limit.Subject is SourceSubject s && new AddressSet([s.Network]).Contains(key) && (cap is not { } c || limit.MaxSessions < c))
            {
                cap = limit.MaxSessions;
            }
        }

        return cap;
    }

    public IReadOnlyList<SessionLimit> SessionLimitsFor(IPAddress client, string? user)
    {
        if (Limits.SessionLimits.Count == 0)
        {
            return [];
        }

        var key = IpKey.From(client);
        return [.. Limits.SessionLimits.Where(limit => limit.Subject switch
        {
            UserSubject u => u.User == user,
            GroupSubject g => user is not null && IsInGroup(user, g.Group),
            SourceSubject s => new AddressSet([s.Network]).Contains(key),
            _ => false,
        })];
    }
}
