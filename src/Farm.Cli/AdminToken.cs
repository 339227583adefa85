namespace Farm.Cli;

/// <summary>
/// A bearer token, and whose listener may receive it: <paramref name="ListenerOwner"/> is the user id that
/// must own the socket accepting the connection (null: not checked), <paramref name="Owner"/> says who that
/// is for messages, and <paramref name="LoopbackOnly"/> limits the check to loopback targets, the only ones
/// whose socket owner this machine can tell for a member that may run elsewhere.
/// </summary>
public sealed record AdminToken(string Value, uint? ListenerOwner, string Owner, bool LoopbackOnly);
