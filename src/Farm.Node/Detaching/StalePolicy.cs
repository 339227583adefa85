using Farm.Shared.Policy;

namespace Farm.Node.Detaching;

/// <summary>
/// What a detached node enforces once its policy is too old to trust: the last policy with one rule
/// put first that refuses every request. A client it never served still gets no SOCKS byte, logins
/// are offered and checked as before (a client that has no acceptable method would learn nothing),
/// and a request is told "not allowed" (SOCKS5 0x02, SOCKS4 91) under a rule that says why.
/// </summary>
public static class StalePolicy
{
    public const string RuleName = "stale-policy";

    private static readonly PolicyDocument RefuseEveryRequest = PolicyParser.Parse($"block any to any name {RuleName}\n").Document!;

    public static CompiledPolicy From(CompiledPolicy last) =>
        CompiledPolicy.Compile(last.Document with { Rules = [.. RefuseEveryRequest.Rules, .. last.Document.Rules] });
}
