namespace Farm.Node.Authentication;

/// <summary>The result of one context token: the token to send back (if any) and, once complete, the client's principal.</summary>
public sealed record GssapiStep(GssapiStepOutcome Outcome, byte[]? Reply, string? Principal)
{
    public static GssapiStep Failed { get; } = new(GssapiStepOutcome.Failed, null, null);
}
