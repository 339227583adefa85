using Akka.Cluster;
using Akka.DistributedData;

namespace Farm.Shared.Replication;

/// <summary>
/// The policy register's rules. Its timestamp is the policy version, not the wall clock, so merging two
/// histories keeps the highest version: a seed (version 1) written by a fresh lighthouse can never
/// replace the farm's real policy carried by a member that rejoins later.
/// </summary>
public static class PolicyRegister
{
    /// <summary>Stands for "no policy yet" inside the initial register of an update.</summary>
    public static readonly PolicyEnvelope None = new(string.Empty, 0, string.Empty, DateTimeOffset.UnixEpoch);

    public static LWWRegister<PolicyEnvelope> Empty(UniqueAddress self) => new(self, None, VersionClock);

    public static LWWRegister<PolicyEnvelope> With(LWWRegister<PolicyEnvelope> register, UniqueAddress self, PolicyEnvelope next) =>
        register.WithValue(self, next, VersionClock);

    private static long VersionClock(long currentTimestamp, PolicyEnvelope value) => value.Version;
}
