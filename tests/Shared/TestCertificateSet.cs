namespace Farm.Tests.Shared;

/// <summary>A member certificate, its key and the CA it trusts, as PEM files.</summary>
public sealed record TestCertificateSet(string Certificate, string Key, string Ca)
{
    public Dictionary<string, string> Environment() => new()
    {
        ["FARM__CLUSTER__TLS__CERTIFICATE"] = Certificate,
        ["FARM__CLUSTER__TLS__KEY"] = Key,
        ["FARM__CLUSTER__TLS__CA"] = Ca,
    };

    public Dictionary<string, string?> Settings() => new()
    {
        ["Farm:Cluster:Tls:Certificate"] = Certificate,
        ["Farm:Cluster:Tls:Key"] = Key,
        ["Farm:Cluster:Tls:Ca"] = Ca,
    };
}
