using System.Net.Sockets;

namespace Farm.Node.Dialing;

/// <summary>
/// A name lookup that found no free place among the node's <see cref="NameResolver.LookupPlaces"/> for
/// its source within the request's time limit. A SocketException (TryAgain), so every caller that takes a
/// name that does not resolve takes this too; the dialer tells it apart for the session record.
/// </summary>
public sealed class NoLookupPlaceException() : SocketException((int)SocketError.TryAgain, "no name-lookup place came free in time");
