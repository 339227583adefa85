namespace Farm.Shared.Policy;

/// <summary>A problem in policy text; line and column are 1-based.</summary>
public sealed record PolicyError(int Line, int Column, string Message)
{
    public override string ToString() => $"{Line}:{Column}: {Message}";
}
