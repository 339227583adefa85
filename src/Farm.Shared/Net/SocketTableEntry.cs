using System.Net;

namespace Farm.Shared.Net;

/// <summary>One TCP socket of this machine as the kernel lists it: its two ends and the user id that owns it.</summary>
public sealed record SocketTableEntry(IPEndPoint Local, IPEndPoint Remote, uint Owner);
