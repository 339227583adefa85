namespace Farm.Shared.Policy;

/// <summary>The document when the text is valid, and every error found otherwise.</summary>
public sealed record PolicyParseResult(PolicyDocument? Document, IReadOnlyList<PolicyError> Errors)
{
    public bool Success => Errors.Count == 0;
}
