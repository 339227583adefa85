using System.Net;

namespace Farm.Shared.Policy;

public sealed record SourceSubject(IPNetwork Network) : LimitSubject
{
    public override string ToString() => $"from {Network}";
}
