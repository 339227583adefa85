namespace Farm.Shared.Policy;

/// <summary>The <c>limit</c> lines of a policy; null where the policy sets nothing and the node's default applies.</summary>
public sealed record PolicyLimits(
    TimeSpan? HandshakeTimeout,
    TimeSpan? ConnectTimeout,
    TimeSpan? IdleTimeout,
    long? BandwidthPerSession,
    int? MaxSessions,
    EquatableArray<SessionLimit> SessionLimits)
{
    internal static PolicyLimits From(PolicyDocument doc)
    {
        TimeSpan? Timeout(TimeoutKind kind) => doc.Limits.OfType<TimeoutLimit>().FirstOrDefault(t => t.Kind == kind)?.Value;

        return new PolicyLimits(
            Timeout(TimeoutKind.Handshake),
            Timeout(TimeoutKind.Connect),
            Timeout(TimeoutKind.Idle),
            doc.Limits.OfType<BandwidthLimit>().FirstOrDefault()?.BytesPerSecond,
            doc.Limits.OfType<SessionLimit>().FirstOrDefault(s => s.Subject is NodeSubject)?.MaxSessions,
            [.. doc.Limits.OfType<SessionLimit>().Where(s => s.Subject is not NodeSubject)]);
    }
}
