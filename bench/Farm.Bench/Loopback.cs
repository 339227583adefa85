using System.Net;

namespace Farm.Bench;

/// <summary>
/// Loopback addresses used as client sources and as server destinations. Spreading over several
/// 127.0.0.x addresses multiplies the 4-tuples available to the connection-rate test: one
/// (source, destination) pair offers only ~28k ephemeral ports, and closed connections keep theirs
/// in TIME_WAIT (see README, "Ephemeral ports").
/// </summary>
public static class Loopback
{
    public static IReadOnlyList<IPAddress> Addresses(int count)
    {
        if (count is < 1 or > 250)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "between 1 and 250 loopback addresses");
        }

        return [.. Enumerable.Range(1, count).Select(i => new IPAddress(new byte[] { 127, 0, 0, (byte)i }))];
    }
}
