using System.Diagnostics.Metrics;
using System.Net;
using Farm.Node.Detaching;
using Farm.Node.Options;
using Farm.Node.Policy;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Detaching;

/// <summary>A detached node serves on its last policy for MaxStalePolicy, then refuses every request; never before it is detached.</summary>
public sealed class NodeDetacherTests : IDisposable
{
    private static readonly TimeSpan MaxStale = TimeSpan.FromMinutes(10);

    private static readonly PolicyRequest Request = new(
        SocksCommand.Connect, IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.0.10"), null, IPAddress.Parse("93.184.216.34"), 443, AuthMethod.None, null);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-06T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly PolicyHolder _policy;
    private readonly DetachState _state;

    public NodeDetacherTests()
    {
        var compiled = CompiledPolicy.Compile(PolicyParser.Parse("client pass from any\npass connect from 10.0.0.0/8 to any port 443 name web\n").Document!);
        _policy = new PolicyHolder(new PolicySnapshot(compiled, 7, "farm", _time.GetUtcNow()));
        _state = new DetachState(_services.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public void Detach_ServingNewClients_LastPolicyUntilMaxStalePolicy_ThenEveryRequestRefused()
    {
        using var detacher = Detacher(serveNewClients: true);
        Assert.True(_state.IsReady(out _));

        detacher.Detach();
        Assert.True(_state.Detached);
        Assert.False(_state.IsReady(out var reason));
        Assert.Contains("detached", reason, StringComparison.Ordinal);

        _time.Advance(MaxStale - TimeSpan.FromSeconds(1));
        Assert.Equal(PolicyAction.Pass, _policy.Current.Policy.Decide(Request).Action);

        _time.Advance(TimeSpan.FromSeconds(2));
        var decision = _policy.Current.Policy.Decide(Request);
        Assert.Equal(PolicyAction.Block, decision.Action);
        Assert.Equal(StalePolicy.RuleName, decision.Rule?.Id);
        Assert.Equal(7, _policy.Current.Version);
    }

    [Fact]
    public void Detach_NotServingNewClients_EveryRequestRefusedAtOnce()
    {
        using var detacher = Detacher(serveNewClients: false);

        detacher.Detach();

        Assert.Equal(StalePolicy.RuleName, _policy.Current.Policy.Decide(Request).Rule?.Id);
    }

    [Fact]
    public void NotDetached_PolicyNeverGoesStale()
    {
        using var detacher = Detacher(serveNewClients: true);

        _time.Advance(MaxStale * 3);

        Assert.False(_state.Detached);
        Assert.Equal(PolicyAction.Pass, _policy.Current.Policy.Decide(Request).Action);
    }

    [Fact]
    public void StalePolicy_HoldsForVersionsReadWhileDetached_UntilReattach_ThenTheNewestIsEnforced()
    {
        using var detacher = Detacher(serveNewClients: true);
        detacher.Detach();
        _time.Advance(MaxStale + TimeSpan.FromSeconds(1));
        Assert.Equal(StalePolicy.RuleName, _policy.Current.Policy.Decide(Request).Rule?.Id);

        // A new incarnation's replica reads the stored version before the farm welcomes it: still refused.
        var stored = _policy.Current with { Policy = CompiledPolicy.Compile(PolicyParser.Parse("client pass from any\npass connect from 10.0.0.0/8 to any port 443 name web-8\n").Document!), Version = 8 };
        detacher.Enforce(stored);
        Assert.Equal(StalePolicy.RuleName, _policy.Current.Policy.Decide(Request).Rule?.Id);
        Assert.Equal(8, _policy.Current.Version);

        detacher.Reattach();
        Assert.False(_state.Detached);
        Assert.True(_state.IsReady(out _));
        var decision = _policy.Current.Policy.Decide(Request);
        Assert.Equal(PolicyAction.Pass, decision.Action);
        Assert.Equal("web-8", decision.Rule?.Id);
    }

    [Fact]
    public void ReattachedBeforeMaxStalePolicy_NeverGoesStale()
    {
        using var detacher = Detacher(serveNewClients: true);
        detacher.Detach();
        _time.Advance(MaxStale / 2);

        detacher.Reattach();
        _time.Advance(MaxStale * 2);

        Assert.False(_state.Detached);
        Assert.Equal(PolicyAction.Pass, _policy.Current.Policy.Decide(Request).Action);
    }

    public void Dispose() => _services.Dispose();

    private NodeDetacher Detacher(bool serveNewClients) =>
        new(_state, _policy, Microsoft.Extensions.Options.Options.Create(new DetachedOptions { ServeNewClients = serveNewClients, MaxStalePolicy = MaxStale }), _time, NullLogger<NodeDetacher>.Instance);
}
