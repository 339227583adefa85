namespace Farm.Shared.Admin;

/// <summary>The admin API's paths, one place for the members and farmctl.</summary>
public static class AdminRoutes
{
    public const string ClusterMembers = "/cluster/members";
    public const string ClusterStatus = "/cluster/status";
    public const string ClusterLeader = "/cluster/leader";
    public const string ClusterJoin = "/cluster/join";
    public const string ClusterLeave = "/cluster/leave";
    public const string ClusterDown = "/cluster/down";
    public const string ClusterDownUnreachable = "/cluster/down-unreachable";
    public const string ClusterTail = "/cluster/tail";
    public const string Policy = "/policy";
    public const string PolicyTest = "/policy/test";
    public const string PolicyApply = "/policy/apply";
    public const string PolicyHistory = "/policy/history";
    public const string PolicyRollback = "/policy/rollback";
    public const string PolicyReload = "/policy/reload";
    public const string PolicyStatus = "/policy/status";
    public const string Drain = "/node/drain";
    public const string Undrain = "/node/undrain";
    public const string Sessions = "/sessions";
    public const string SessionKill = "/sessions/{id}/kill";

    public static string KillPath(long id) => $"/sessions/{id}/kill";
}
