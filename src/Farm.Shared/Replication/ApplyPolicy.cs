namespace Farm.Shared.Replication;

/// <summary>
/// Asks the policy arbiter to write <paramref name="Text"/> as the version after <paramref name="Expected"/>,
/// the version the operator (or the member) saw; <paramref name="Writer"/> is the member that asks.
/// </summary>
/// <param name="FromLocalFile">
/// The text is the writer's own policy file or default (a seed or a reload): the version records the writer
/// as <see cref="PolicyEnvelope.LocalOf"/>, so no member can name another as the owner of a local policy.
/// </param>
public sealed record ApplyPolicy(string Text, string Author, long Expected, string Writer, string Nonce, TimeSpan Timeout, bool FromLocalFile = false);
