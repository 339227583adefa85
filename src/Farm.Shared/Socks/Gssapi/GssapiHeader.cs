namespace Farm.Shared.Socks.Gssapi;

/// <summary>VER, MTYP and LEN of an RFC 1961 message; the token of <see cref="TokenLength"/> octets follows it.</summary>
public readonly record struct GssapiHeader(GssapiMessageType Type, int TokenLength);
