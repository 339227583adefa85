using Farm.Shared.Replication.Signing;

namespace Farm.Shared.Replication;

/// <summary>
/// Asks the policy arbiter to write <paramref name="Text"/> as the version after <paramref name="Expected"/>,
/// the version the operator (or the member) saw; <paramref name="Writer"/> is the member that asks, as it claims:
/// the arbiter records the member the message came from instead.
/// </summary>
/// <param name="FromLocalFile">
/// The text is the sender's own policy file or default (a seed or a reload): the version records the sender
/// as <see cref="PolicyEnvelope.LocalOf"/>, so no member can name another as the owner of a local policy.
/// </param>
/// <param name="Operator">The operator's signature over this write (farmctl with an operator certificate), or null.</param>
public sealed record ApplyPolicy(string Text, string Author, long Expected, string Writer, string Nonce, TimeSpan Timeout, bool FromLocalFile = false, OperatorSignature? Operator = null);
