using System.Buffers;

namespace Farm.Shared.Socks;

internal static class SequenceReaderExtensions
{
    /// <summary>
    /// Up to <paramref name="scratch"/>.Length unread bytes as one span, without advancing. Copies into
    /// <paramref name="scratch"/> only when those bytes straddle segments, and never touches bytes beyond them.
    /// </summary>
    public static ReadOnlySpan<byte> Peek(this in SequenceReader<byte> reader, Span<byte> scratch)
    {
        var unread = reader.UnreadSpan;
        if (unread.Length >= scratch.Length)
        {
            return unread[..scratch.Length];
        }

        if (unread.Length == reader.Remaining)
        {
            return unread;
        }

        var count = (int)Math.Min(reader.Remaining, scratch.Length);
        reader.TryCopyTo(scratch[..count]);
        return scratch[..count];
    }
}
