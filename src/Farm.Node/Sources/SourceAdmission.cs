namespace Farm.Node.Sources;

/// <summary>Whether one more connection from a source fits its caps.</summary>
public enum SourceAdmission
{
    Admitted,
    OverSessionCap,
    OverHandshakeCap,
}
