using System.Buffers;

namespace Farm.Shared.Socks.Socks5;

public static class Socks5GreetingParser
{
    public const int MaxLength = 2 + 255;

    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out Socks5Greeting greeting, out Socks5ParseError error)
    {
        var status = Parse(reader.Peek(stackalloc byte[MaxLength]), out greeting, out var length, out error);
        if (status == ParseStatus.Complete)
        {
            reader.Advance(length);
        }

        return status;
    }

    private static ParseStatus Parse(ReadOnlySpan<byte> source, out Socks5Greeting greeting, out int length, out Socks5ParseError error)
    {
        greeting = default;
        length = 0;
        error = Socks5ParseError.None;
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        if (source[0] != 0x05)
        {
            error = Socks5ParseError.BadVersion;
            return ParseStatus.Invalid;
        }

        if (source.Length < 2)
        {
            return ParseStatus.Incomplete;
        }

        int count = source[1];
        if (count == 0)
        {
            error = Socks5ParseError.NoMethods;
            return ParseStatus.Invalid;
        }

        if (source.Length < 2 + count)
        {
            return ParseStatus.Incomplete;
        }

        greeting = new Socks5Greeting(Socks5MethodSet.FromWire(source.Slice(2, count)));
        length = 2 + count;
        return ParseStatus.Complete;
    }
}
