using System.Net;
using System.Net.Sockets;
using Farm.Admin.Policy;
using Farm.Node.Dialing;
using Farm.Node.Listening;
using Farm.Node.Policy;
using Farm.Node.Sessions;
using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Replication;

namespace Farm.Node.Admin;

/// <summary>
/// The node's policy palette: it enforces its <see cref="PolicyHolder"/>'s version, reloads its own policy file
/// (with its opt-ins), and tests a request as its sessions would decide it, names resolved by its own resolver
/// and session limits judged on its own open sessions.
/// </summary>
public sealed class ClusterPolicyAdmin(
    PolicyHolder holder,
    PolicyHistory history,
    PolicyFileSource source,
    PolicyApplier applier,
    NameResolver resolver,
    SocksListenerSockets listeners,
    SessionServices sessions) : ReplicatedPolicyAdmin(history, applier)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    protected override long Version => holder.Current.Version;

    protected override PolicySeed ReloadSource => new(source.SourceName, source.ReadText);

    protected override bool ReloadIsOwnFile => true;

    public override PolicyView Show()
    {
        var current = holder.Current;
        var text = TextOf(current.Version) ?? source.ReadText();
        var author = current.Source.StartsWith("farm:", StringComparison.Ordinal) ? current.Source[5..] : "node";
        return new PolicyView(current.Version, author, current.Source, current.LoadedAt, current.Policy.RuleCount, PolicyRedactor.Redact(text));
    }

    public override async Task<PolicyTestResult> TestAsync(PolicyTestRequest request, CancellationToken cancel)
    {
        var snapshot = holder.Current;
        var view = Show();
        var listener = listeners.Endpoints.FirstOrDefault()?.Address ?? IPAddress.Loopback;

        // A name the node would resolve is resolved here with the node's resolver, so the test decides the same addresses.
        var resolved = PolicyTester.NameToResolve(snapshot.Policy, request, listener) is { } name
            ? await ResolveAsync(name, cancel).ConfigureAwait(false)
            : null;
        // Its limits are judged on this node's open sessions, as its next session's would be.
        return PolicyTester.Run(snapshot.Policy, snapshot.Version, view.Version == snapshot.Version ? view.Text : string.Empty, request, listener, resolved, sessions.Limiter.OpenFor);
    }

    /// <summary>The name's addresses as the node's dialer would get them; null when it does not resolve.</summary>
    private async Task<IPAddress[]?> ResolveAsync(string name, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(ResolveTimeout);
        try
        {
            return await resolver.ResolveAsync(name, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }
    }
}
