using System.Net;
using System.Net.Sockets;
using Farm.Admin.Policy;
using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Replication;

namespace Farm.Lighthouse.Policy;

/// <summary>
/// The lighthouse's policy palette: it holds the farm's policy in its <see cref="PolicyKeeper"/>, so
/// <c>farmctl &lt;lighthouse&gt; policy ...</c> answers as on a node. A reload re-applies the file the
/// lighthouse seeds farms with, as a farm policy (no node's opt-ins follow it). A test decides as a node
/// would; with no SOCKS listener here, <c>--on</c> is needed only when a rule names listeners.
/// </summary>
public sealed class LighthousePolicyAdmin(PolicyKeeper keeper, PolicyHistory history, PolicyApplier applier, PolicySeed seed)
    : ReplicatedPolicyAdmin(history, applier)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    protected override long Version => keeper.EnforcedVersion;

    protected override PolicySeed ReloadSource => seed;

    protected override bool ReloadIsOwnFile => false;

    public override PolicyView Show()
    {
        var version = keeper.EnforcedVersion;
        var entry = History().LastOrDefault(e => e.Version == version);
        return entry is not null && TextOf(version) is { } text
            ? new PolicyView(version, entry.Author, entry.Source, entry.Time, entry.Rules, PolicyRedactor.Redact(text))
            : new PolicyView(version, "none", "no policy received yet", DateTimeOffset.UnixEpoch, 0, string.Empty);
    }

    public override async Task<PolicyTestResult> TestAsync(PolicyTestRequest request, CancellationToken cancel)
    {
        var policy = keeper.Current ?? throw new FormatException("this lighthouse holds no policy yet; ask a node or try again");
        if (request.On is null && NamesListeners(policy.Document))
        {
            throw new FormatException("a rule of this policy names listeners and a lighthouse has none: give the node's listener with --on <ip>");
        }

        var listener = IPAddress.Any;
        var resolved = PolicyTester.NameToResolve(policy, request, listener) is { } name
            ? await ResolveAsync(name, cancel).ConfigureAwait(false)
            : null;
        var version = keeper.EnforcedVersion;
        return PolicyTester.Run(policy, version, TextOf(version) ?? string.Empty, request, listener, resolved);
    }

    private static bool NamesListeners(PolicyDocument document) =>
        document.ClientRules.Any(r => r.On is not null) || document.Rules.Any(r => r.On is not null);

    /// <summary>The name's addresses from the lighthouse's system resolver; null when it does not resolve.</summary>
    private static async Task<IPAddress[]?> ResolveAsync(string name, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(ResolveTimeout);
        try
        {
            return await System.Net.Dns.GetHostAddressesAsync(name, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }
    }
}
