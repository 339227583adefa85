using System.Buffers;
using System.Buffers.Binary;

namespace Farm.Shared.Socks.Gssapi;

/// <summary>
/// Reads the header of an RFC 1961 message; the caller reads the token itself, as tokens can be larger than
/// any other handshake message.
/// </summary>
public static class GssapiHeaderParser
{
    public const byte Version = 0x01;

    /// <summary>VER, MTYP, LEN.</summary>
    public const int Length = 4;

    /// <summary>
    /// Windows' default MaxTokenSize: a Kerberos ticket carrying a large PAC still fits, and a client cannot
    /// make the node buffer the full 64 KiB the 16-bit LEN allows.
    /// </summary>
    public const int MaxTokenLength = 48_000;

    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out GssapiHeader header, out GssapiParseError error)
    {
        var status = Parse(reader.Peek(stackalloc byte[Length]), out header, out var length, out error);
        if (status == ParseStatus.Complete)
        {
            reader.Advance(length);
        }

        return status;
    }

    private static ParseStatus Parse(ReadOnlySpan<byte> source, out GssapiHeader header, out int length, out GssapiParseError error)
    {
        header = default;
        length = 0;
        error = GssapiParseError.None;
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        if (source[0] != Version)
        {
            error = GssapiParseError.BadVersion;
            return ParseStatus.Invalid;
        }

        if (source.Length < 2)
        {
            return ParseStatus.Incomplete;
        }

        var type = (GssapiMessageType)source[1];
        if (type == GssapiMessageType.Abort)
        {
            header = new GssapiHeader(type, 0);
            length = 2;
            return ParseStatus.Complete;
        }

        if (type is not (GssapiMessageType.Authentication or GssapiMessageType.ProtectionLevel or GssapiMessageType.EncapsulatedData))
        {
            error = GssapiParseError.UnknownMessageType;
            return ParseStatus.Invalid;
        }

        if (source.Length < Length)
        {
            return ParseStatus.Incomplete;
        }

        int tokenLength = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        if (tokenLength == 0)
        {
            error = GssapiParseError.EmptyToken;
            return ParseStatus.Invalid;
        }

        if (tokenLength > MaxTokenLength)
        {
            error = GssapiParseError.TokenTooLong;
            return ParseStatus.Invalid;
        }

        header = new GssapiHeader(type, tokenLength);
        length = Length;
        return ParseStatus.Complete;
    }
}
