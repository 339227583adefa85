using System.Buffers.Binary;

namespace Farm.Lighthouse.Dns;

/// <summary>
/// The truncated reply a rate-limited query may get instead of silence: the query's header and
/// question with QR, AA and TC set and no records, built from the raw datagram without parsing the rest,
/// so it costs a flood nothing and is never larger than the query. AA because glibc's stub resolver takes
/// a reply with no records that is neither authoritative nor recursive for a lame server and gives up
/// instead of asking again over TCP.
/// </summary>
/// <remarks>
/// <code>
///  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
/// |                      ID                       |
/// |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
/// |QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT            (16 bits each)
/// </code>
/// </remarks>
public static class SlipReply
{
    public const int HeaderLength = 12;

    // QNAME (at most 255 bytes) plus QTYPE and QCLASS.
    public const int MaxLength = HeaderLength + 255 + 4;

    private const byte QueryResponse = 0x80;
    private const byte OpcodeMask = 0x78;
    private const byte Authoritative = 0x04;
    private const byte Truncated = 0x02;
    private const byte RecursionDesired = 0x01;

    /// <summary>Writes the reply to <paramref name="query"/>; false when the datagram is not a query with exactly one plain question.</summary>
    public static bool TryWrite(ReadOnlySpan<byte> query, Span<byte> destination, out int written)
    {
        written = 0;
        if (query.Length < HeaderLength || (query[2] & QueryResponse) != 0 || BinaryPrimitives.ReadUInt16BigEndian(query[4..]) != 1)
        {
            return false;
        }

        var end = HeaderLength;
        while (true)
        {
            if (end >= query.Length)
            {
                return false;
            }

            var label = query[end];
            if (label == 0)
            {
                end++;
                break;
            }

            // A compression pointer or reserved label type has no place in a question.
            if (label > 63)
            {
                return false;
            }

            end += 1 + label;
        }

        end += 4;
        if (end > query.Length || end > MaxLength || destination.Length < end)
        {
            return false;
        }

        query[..end].CopyTo(destination);
        destination[2] = (byte)(QueryResponse | (query[2] & OpcodeMask) | Authoritative | Truncated | (query[2] & RecursionDesired));
        destination[3] = 0;
        destination[6..HeaderLength].Clear();
        written = end;
        return true;
    }
}
