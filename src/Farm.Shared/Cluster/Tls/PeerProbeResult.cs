namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// What dialing a peer's remoting address showed: the roles its farm certificate names, or why it is
/// refused. <see cref="Unreachable"/> marks a refusal with no listener at all (a dead member), which is
/// ordinary; any other refusal means something there failed the farm's TLS.
/// </summary>
public sealed record PeerProbeResult(IReadOnlySet<string>? Roles, string? Refusal, bool Unreachable)
{
    public bool Passed => Refusal is null;

    public static PeerProbeResult Pass(IReadOnlySet<string> roles) => new(roles, null, false);

    public static PeerProbeResult Refused(string reason) => new(null, reason, false);

    public static PeerProbeResult NoListener(string reason) => new(null, reason, true);
}
