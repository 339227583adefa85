namespace Farm.Shared.Socks.Gssapi;

/// <summary>Why RFC 1961 bytes were refused.</summary>
public enum GssapiParseError
{
    None,

    /// <summary>VER is not 0x01.</summary>
    BadVersion,

    /// <summary>MTYP is none of 0x01, 0x02, 0x03 and 0xFF.</summary>
    UnknownMessageType,

    /// <summary>LEN is 0: a context or protection-level message always carries a token.</summary>
    EmptyToken,

    /// <summary>LEN is above <see cref="GssapiHeaderParser.MaxTokenLength"/>.</summary>
    TokenTooLong,
}
