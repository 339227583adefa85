namespace Farm.Node.Sources;

/// <summary>Whether one more connection from a source fits its caps and the node's.</summary>
public enum SourceAdmission
{
    Admitted,
    OverSessionCap,
    OverHandshakeCap,

    /// <summary>The node is full and <see cref="FairShare"/> gives the newcomer no one's place.</summary>
    OverNodeCap,
}
