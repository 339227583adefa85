using System.Net;

namespace Farm.Shared.Policy;

/// <summary>
/// A pass or block rule for SOCKS requests. A null term is unrestricted. <see cref="Users"/> and
/// <see cref="Groups"/> together name the principals allowed (a user listed or a member of a group listed):
/// a name defined by a <c>user</c> statement logs in with its password, any other (<c>name@REALM</c>) is a
/// Kerberos principal that logs in with GSSAPI. <see cref="Realm"/> admits every GSSAPI principal of one realm.
/// </summary>
public sealed record RequestRule(
    int Line,
    PolicyAction Action,
    CommandSet Commands,
    EquatableArray<IPNetwork>? From,
    EquatableArray<IPNetwork>? On,
    EquatableArray<Destination>? To,
    EquatableArray<PortRange>? Ports,
    AuthMethod? Auth,
    EquatableArray<string>? Users,
    EquatableArray<string>? Groups,
    string? Realm,
    string? Name,
    PolicyLogLevel Log);
