namespace Farm.Lighthouse.Dns;

/// <summary>What response-rate limiting does with one UDP query.</summary>
public enum RateDecision
{
    Answer,

    /// <summary>An empty reply with TC=1: a real client retries over TCP, which a spoofed source cannot complete.</summary>
    Slip,

    Drop,
}
