using Akka.Cluster;

namespace Farm.Shared.Cluster.Tls;

/// <summary>The roles a member joined with that its certificate must name.</summary>
public static class MemberRoles
{
    // Akka gives every member a data-center role of its own making; no certificate names it.
    private const string DataCenterPrefix = "dc-";

    public static IReadOnlyList<string> Claimed(Member member) =>
        [.. member.Roles.Where(r => !r.StartsWith(DataCenterPrefix, StringComparison.Ordinal))];
}
