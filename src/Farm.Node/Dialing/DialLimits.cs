namespace Farm.Node.Dialing;

/// <summary>
/// How far one CONNECT may fan out over a name's addresses: at most <see cref="AttemptsPerRequest"/>
/// addresses tried, at most <see cref="AttemptsInFlight"/> of them at once (curl and browsers try two
/// at once). The first attempt of a request uses the session's own upstream descriptor; each attempt
/// beside it takes one of the node's <see cref="ExtraPlaces"/>, which the session caps keep out of the
/// descriptor budget, so a name with forty addresses whose hosts never answer cannot run the node out
/// of descriptors (outsider review of issue 16, F1). With no place free the request waits for its
/// running attempt.
/// </summary>
public sealed class DialLimits
{
    /// <summary>Descriptors the whole node may hold in attempts beside each request's first.</summary>
    public const int ExtraPlaces = 64;

    private readonly SemaphoreSlim _extra = new(ExtraPlaces, ExtraPlaces);

    public DialLimits(int attemptsInFlight, int attemptsPerRequest)
    {
        if (attemptsInFlight < 1 || attemptsPerRequest < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(attemptsInFlight), "Farm:Socks:DialAttemptsInFlight and DialAttemptsPerRequest must be at least 1");
        }

        AttemptsInFlight = attemptsInFlight;
        AttemptsPerRequest = attemptsPerRequest;
    }

    /// <summary>The defaults, for dials outside a node's sessions (the upstream proxy's own addresses).</summary>
    public static DialLimits Default { get; } = new(2, 8);

    public int AttemptsInFlight { get; }

    public int AttemptsPerRequest { get; }

    /// <summary>Places held now by attempts beside a request's first (for tests and metrics).</summary>
    public int ExtraInUse => ExtraPlaces - _extra.CurrentCount;

    /// <summary>Takes a place for an attempt beside a request's first, without waiting.</summary>
    public bool TryTakeExtra() => _extra.Wait(0);

    public void ReleaseExtra() => _extra.Release();
}
