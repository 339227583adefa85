using Akka.Cluster;
using Akka.DistributedData;

namespace Farm.Shared.Replication;

/// <summary>
/// The policy register's rules. Its timestamp is a logical clock (the register's timestamp + 1 on each
/// write), not the wall clock and not the version a writer claims: merging two histories keeps the one
/// with more writes, so a seed (version 1) written by a fresh lighthouse cannot replace the farm's real
/// policy carried by a member that rejoins later, and a forged version (long.MaxValue) does not pin the
/// register: the next apply replaces it.
/// </summary>
public static class PolicyRegister
{
    /// <summary>Stands for "no policy yet" inside the initial register of an update.</summary>
    public static readonly PolicyEnvelope None = new(string.Empty, 0, string.Empty, DateTimeOffset.UnixEpoch);

    public static LWWRegister<PolicyEnvelope> Empty(UniqueAddress self) => new(self, None, 0);

    public static LWWRegister<PolicyEnvelope> With(LWWRegister<PolicyEnvelope> register, UniqueAddress self, PolicyEnvelope next) =>
        register.WithValue(self, next, LogicalClock);

    private static long LogicalClock(long currentTimestamp, PolicyEnvelope value) => checked(currentTimestamp + 1);
}
