namespace Farm.Shared.Policy;

public sealed record GroupSubject(string Group) : LimitSubject
{
    public override string ToString() => $"group {Group}";
}
