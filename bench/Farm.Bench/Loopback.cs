using System.Net;

namespace Farm.Bench;

/// <summary>
/// Loopback addresses used as server destinations and as client sources. Spreading over several
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

    /// <summary>
    /// Client source addresses: 127.0.0.101 and up, never 127.0.0.1. Dante binds each upstream socket
    /// to port 0 of its external address (127.0.0.1) before connecting, which cannot take a port held
    /// in TIME_WAIT on that address; client sockets there made it fail to open idle sessions.
    /// </summary>
    public static IReadOnlyList<IPAddress> Sources(int count)
    {
        if (count is < 1 or > 150)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "between 1 and 150 source addresses");
        }

        return [.. Enumerable.Range(101, count).Select(i => new IPAddress(new byte[] { 127, 0, 0, (byte)i }))];
    }
}
