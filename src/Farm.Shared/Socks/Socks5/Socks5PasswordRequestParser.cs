using System.Buffers;
using System.Text;

namespace Farm.Shared.Socks.Socks5;

public static class Socks5PasswordRequestParser
{
    public const int MaxLength = 1 + 1 + 255 + 1 + 255;

    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out Socks5PasswordRequest? request, out Socks5ParseError error)
    {
        var status = Parse(reader.Peek(stackalloc byte[MaxLength]), out request, out var length, out error);
        if (status == ParseStatus.Complete)
        {
            reader.Advance(length);
        }

        return status;
    }

    private static ParseStatus Parse(ReadOnlySpan<byte> source, out Socks5PasswordRequest? request, out int length, out Socks5ParseError error)
    {
        request = null;
        length = 0;
        error = Socks5ParseError.None;
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        if (source[0] != 0x01)
        {
            error = Socks5ParseError.BadAuthVersion;
            return ParseStatus.Invalid;
        }

        if (source.Length < 2)
        {
            return ParseStatus.Incomplete;
        }

        int userLength = source[1];
        if (userLength == 0)
        {
            error = Socks5ParseError.EmptyUser;
            return ParseStatus.Invalid;
        }

        var passwordLengthAt = 2 + userLength;
        if (source.Length <= passwordLengthAt)
        {
            return ParseStatus.Incomplete;
        }

        int passwordLength = source[passwordLengthAt];
        if (passwordLength == 0)
        {
            error = Socks5ParseError.EmptyPassword;
            return ParseStatus.Invalid;
        }

        var total = passwordLengthAt + 1 + passwordLength;
        if (source.Length < total)
        {
            return ParseStatus.Incomplete;
        }

        request = new Socks5PasswordRequest(
            Encoding.UTF8.GetString(source.Slice(2, userLength)),
            Encoding.UTF8.GetString(source.Slice(passwordLengthAt + 1, passwordLength)));
        length = total;
        return ParseStatus.Complete;
    }
}
