namespace Farm.Node.Sources;

/// <summary>Whether one more connection from a source fits its caps and the node's.</summary>
public enum SourceAdmission
{
    Admitted,
    OverSessionCap,
    OverHandshakeCap,

    /// <summary>The node is full and no other source holds more unfinished handshakes than this one.</summary>
    OverNodeCap,
}
