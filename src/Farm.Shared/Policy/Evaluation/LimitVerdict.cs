namespace Farm.Shared.Policy;

/// <summary>
/// The session limits a new session counts under (its user, its groups, its source's networks) and, when the
/// open sessions are known, the first of them already full: a new session under it is refused.
/// </summary>
public sealed record LimitVerdict(IReadOnlyList<SessionLimit> Applicable, SessionLimit? Full)
{
    public static readonly LimitVerdict None = new([], null);

    public bool Refused => Full is not null;

    /// <summary>The rule a refusal names in the session record and in <c>policy test</c>.</summary>
    public static string RuleOf(SessionLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        return $"limit line {limit.Line}";
    }
}
