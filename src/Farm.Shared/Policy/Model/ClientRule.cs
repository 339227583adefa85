using System.Net;

namespace Farm.Shared.Policy;

/// <summary>
/// <c>client pass|block [from ...] [on ...]</c>: which sources may talk to the farm at all, and on which
/// listener address (interface of entry). A null list means "any".
/// </summary>
public sealed record ClientRule(
    int Line,
    PolicyAction Action,
    EquatableArray<IPNetwork>? From,
    EquatableArray<IPNetwork>? On,
    string? Name,
    PolicyLogLevel Log);
