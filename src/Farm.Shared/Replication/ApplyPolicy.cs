namespace Farm.Shared.Replication;

/// <summary>
/// Asks the policy arbiter to write <paramref name="Text"/> as the version after <paramref name="Expected"/>,
/// the version the operator (or the member) saw; <paramref name="Writer"/> is the member that asks.
/// </summary>
public sealed record ApplyPolicy(string Text, string Author, long Expected, string Writer, string Nonce, TimeSpan Timeout);
