using System.Net;
using Farm.Shared.Socks;

namespace Farm.Shared.Policy;

/// <summary>
/// One question to the policy. <see cref="Host"/> is the requested name (null for an address request) and
/// <see cref="Address"/> the address to check (null while the name is not yet resolved); the node asks once
/// with the name alone, then once per resolved address with both.
/// </summary>
public readonly record struct PolicyRequest(
    SocksCommand Command,
    IPAddress Client,
    IPAddress Listener,
    string? Host,
    IPAddress? Address,
    int Port,
    AuthMethod Auth,
    string? User);
