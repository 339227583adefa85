namespace Farm.Node.Authentication;

/// <summary>What one context token did to an RFC 1961 security context.</summary>
public enum GssapiStepOutcome
{
    /// <summary>The context is established; the client's principal is known.</summary>
    Completed,

    /// <summary>The mechanism wants another token from the client.</summary>
    ContinueNeeded,

    /// <summary>A bad or replayed token, an expired ticket, a ticket for another service, or no keys for it.</summary>
    Failed,
}
