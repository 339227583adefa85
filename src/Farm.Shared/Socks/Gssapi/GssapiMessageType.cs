namespace Farm.Shared.Socks.Gssapi;

/// <summary>The MTYP octet of an RFC 1961 message.</summary>
public enum GssapiMessageType : byte
{
    /// <summary>A security context token (§3.3, §3.7).</summary>
    Authentication = 0x01,

    /// <summary>A wrapped protection level (§4.3).</summary>
    ProtectionLevel = 0x02,

    /// <summary>Per-message encapsulated user data (§5); never accepted here, as per-message protection is not offered.</summary>
    EncapsulatedData = 0x03,

    /// <summary>The context failed or was refused (§3.8); no length and no token follow.</summary>
    Abort = 0xFF,
}
