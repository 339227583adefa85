namespace Farm.Shared.Socks.Gssapi;

/// <summary>
/// The protection level octet of RFC 1961 §4.3, plus <see cref="Clear"/>: RFC 1961 has no level without
/// per-message protection, so curl, Dante and the NEC reference implementation use 0 for it.
/// </summary>
public enum GssapiProtectionLevel : byte
{
    Clear = 0x00,
    Integrity = 0x01,
    Confidentiality = 0x02,
    Selective = 0x03,
}
