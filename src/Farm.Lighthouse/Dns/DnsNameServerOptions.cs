namespace Farm.Lighthouse.Dns;

/// <summary>One name server of the farm zone, as published in its NS records.</summary>
public sealed class DnsNameServerOptions
{
    /// <summary>Fully qualified name, e.g. <c>ns1.farm.test</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Its addresses, served as A/AAAA when the name lies inside the farm domain (the parent zone's glue).</summary>
    public List<string> Addresses { get; set; } = [];
}
