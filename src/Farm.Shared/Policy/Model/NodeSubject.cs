namespace Farm.Shared.Policy;

/// <summary>Every session on the node.</summary>
public sealed record NodeSubject : LimitSubject
{
    public static NodeSubject Instance { get; } = new();

    public override string ToString() => "node";
}
