using System.Collections.Immutable;

namespace Farm.Lighthouse.Probing;

/// <summary>
/// Consecutive failed probe rounds per member (its <see cref="Dns.NodeAdvert.Member"/> key, not its name, which
/// another member may share), and the members that count as failing: those at
/// <c>FailuresToDrop</c> or more, or dropped at once because their cluster association was lost.
/// One passing round clears a node. Pure: the directory feed applies rounds and losses.
/// </summary>
public sealed record ProbeTally(int FailuresToDrop, ImmutableDictionary<string, int> Failures)
{
    public static ProbeTally Start(int failuresToDrop) => new(Math.Max(1, failuresToDrop), ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal));

    public ImmutableHashSet<string> Failing => [.. Failures.Where(pair => pair.Value >= FailuresToDrop).Select(pair => pair.Key)];

    /// <summary>Applies one round: every node probed is either alive (cleared) or one failure further; nodes not probed are forgotten.</summary>
    public ProbeTally Record(IReadOnlyDictionary<string, bool> alive) =>
        this with
        {
            Failures = ImmutableDictionary.CreateRange(StringComparer.Ordinal, alive
                .Where(pair => !pair.Value)
                .Select(pair => KeyValuePair.Create(pair.Key, Failures.GetValueOrDefault(pair.Key) + 1))),
        };

    /// <summary>The node's process is gone from the cluster's view (its association dropped): failing now, not after the next rounds.</summary>
    public ProbeTally Lost(IEnumerable<string> members) =>
        this with { Failures = Failures.SetItems(members.Select(member => KeyValuePair.Create(member, Math.Max(FailuresToDrop, Failures.GetValueOrDefault(member))))) };
}
