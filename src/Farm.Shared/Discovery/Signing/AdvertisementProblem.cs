namespace Farm.Shared.Discovery.Signing;

/// <summary>Why an advertisement is refused: <paramref name="Reason"/> is the metric label (one of the constants), <paramref name="Detail"/> the log line's end.</summary>
public sealed record AdvertisementProblem(string Reason, string Detail)
{
    public const string Unsigned = "unsigned";
    public const string Certificate = "certificate";
    public const string Signature = "signature";
    public const string Member = "member";
    public const string Role = "role";
    public const string Address = "address";
}
