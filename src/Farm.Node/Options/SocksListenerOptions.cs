using System.ComponentModel;
using System.Globalization;

namespace Farm.Node.Options;

/// <summary>
/// One entry of <c>Farm:Socks:Listeners</c>: the plain form <c>"127.0.0.1:1080"</c>, or an object with
/// <c>Endpoint</c>, <c>ProxyProtocol</c> and <c>TrustedProxies</c> (the networks a PROXY header is accepted from).
/// </summary>
[TypeConverter(typeof(SocksListenerOptionsConverter))]
public sealed class SocksListenerOptions
{
    /// <summary><c>address:port</c>; IPv6 as <c>[::1]:1080</c>.</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>Every connection must start with a PROXY protocol header (v1 or v2) from a trusted proxy.</summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>Networks (CIDR) whose connections may carry a PROXY header; required with <see cref="ProxyProtocol"/>.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    public static implicit operator SocksListenerOptions(string endpoint) => new() { Endpoint = endpoint };

    public override string ToString() => Endpoint;
}

/// <summary>Lets the configuration binder read the plain string form of a listener entry.</summary>
public sealed class SocksListenerOptionsConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? new SocksListenerOptions { Endpoint = text } : base.ConvertFrom(context, culture, value);
}
