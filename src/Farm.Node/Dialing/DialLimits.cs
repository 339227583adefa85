using System.Net;
using Farm.Node.Sources;
using Farm.Shared.Net;

namespace Farm.Node.Dialing;

/// <summary>
/// How far one CONNECT may fan out over a name's addresses: at most <see cref="AttemptsPerRequest"/>
/// addresses tried, at most <see cref="AttemptsInFlight"/> of them at once (curl and browsers try two
/// at once). The first attempt of a request uses the session's own upstream descriptor; each attempt
/// beside it takes one of the node's <see cref="ExtraPlaces"/>, which the session caps keep out of the
/// descriptor budget, so a name with forty addresses whose hosts never answer cannot run the node out
/// of descriptors (outsider review of issue 16, F1). The places are shared by the sources as
/// <see cref="SharedPlaces"/> shares them: one source holds at most half, so a source dialing names
/// that never answer cannot keep every other source's requests to one address at a time. With no
/// place free to its source the request waits for its running attempt. One instance per node: the
/// dials through an upstream proxy take their places here too.
/// </summary>
public sealed class DialLimits
{
    /// <summary>Descriptors the whole node may hold in attempts beside each request's first.</summary>
    public const int ExtraPlaces = 64;

    public DialLimits(int attemptsInFlight, int attemptsPerRequest, SourcePrefixLengths prefixes)
    {
        if (attemptsInFlight < 1 || attemptsPerRequest < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(attemptsInFlight), "Farm:Socks:DialAttemptsInFlight and DialAttemptsPerRequest must be at least 1");
        }

        AttemptsInFlight = attemptsInFlight;
        AttemptsPerRequest = attemptsPerRequest;
        Extra = new SharedPlaces(ExtraPlaces, prefixes);
    }

    public int AttemptsInFlight { get; }

    public int AttemptsPerRequest { get; }

    /// <summary>The places for attempts beside a request's first.</summary>
    public SharedPlaces Extra { get; }

    /// <summary>Takes a place for an attempt beside a request of <paramref name="client"/>, without waiting.</summary>
    public bool TryTakeExtra(IPAddress client) => Extra.TryTake(client);

    public void ReleaseExtra(IPAddress client) => Extra.Release(client);
}
