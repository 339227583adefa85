namespace Farm.Shared.Policy;

public sealed record UserSubject(string User) : LimitSubject
{
    public override string ToString() => $"user {User}";
}
