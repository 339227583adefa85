namespace Farm.Shared.Admin;

/// <summary>One cluster member as <c>cluster show</c> lists it.</summary>
/// <param name="Socks">The SOCKS endpoints the member advertises to clients (what the lighthouse's DNS hands out), when known.</param>
/// <param name="Draining">The member advertises that it is draining (DNS no longer hands it out).</param>
/// <param name="AppVersion">The Farm version the member joined with (Akka's app-version: its executable's version).</param>
public sealed record ClusterMember(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable, IReadOnlyList<string>? Socks = null, bool Draining = false, string? AppVersion = null);
