using System.Net;
using ARSoft.Tools.Net;
using Microsoft.Extensions.Options;

namespace Farm.Lighthouse.Dns;

/// <summary>Reports every problem in <see cref="DnsOptions"/> at once, so an operator fixes them in one pass.</summary>
public sealed class DnsOptionsValidator : IValidateOptions<DnsOptions>
{
    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(1);

    /// <summary>Longer would let idle clients hold the lighthouse's sockets again.</summary>
    public static readonly TimeSpan MaxTcpIdleTimeout = TimeSpan.FromMinutes(2);

    public ValidateOptionsResult Validate(string? name, DnsOptions options)
    {
        var errors = new List<string>();

        foreach (var listen in options.EffectiveListen)
        {
            if (!IPEndPoint.TryParse(listen, out var endpoint) || endpoint.Port == 0)
            {
                errors.Add($"Farm:Dns:Listen '{listen}' is not an address:port with a non-zero port.");
            }
        }

        if (!IsZoneName(options.Domain))
        {
            errors.Add($"Farm:Dns:Domain '{options.Domain}' is not a domain name of host-name labels.");
        }

        if (!DnsLabel.IsValid(options.FarmName) || string.Equals(options.FarmName, FarmZone.NodesLabel, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Farm:Dns:FarmName '{options.FarmName}' must be one host-name label other than '{FarmZone.NodesLabel}'.");
        }

        if (options.Ttl < TimeSpan.Zero || options.Ttl > MaxTtl)
        {
            errors.Add($"Farm:Dns:Ttl {options.Ttl} must lie between 00:00:00 and {MaxTtl} (written hh:mm:ss: a bare '5' means five days).");
        }

        if (!DomainName.TryParse(options.EffectiveHostmaster, out _))
        {
            errors.Add($"Farm:Dns:Hostmaster '{options.EffectiveHostmaster}' is not a domain name.");
        }

        foreach (var server in options.EffectiveNameServers)
        {
            if (!IsZoneName(server.Name))
            {
                errors.Add($"Farm:Dns:NameServers name '{server.Name}' is not a domain name of host-name labels.");
            }

            errors.AddRange(server.Addresses
                .Where(address => !IPAddress.TryParse(address, out _))
                .Select(address => $"Farm:Dns:NameServers address '{address}' of '{server.Name}' is not an IP address."));
        }

        var probe = options.Probe;
        if (probe.Interval <= TimeSpan.Zero || probe.Timeout <= TimeSpan.Zero || probe.Timeout > probe.Interval)
        {
            errors.Add($"Farm:Dns:Probe:Timeout {probe.Timeout} must be positive and at most Farm:Dns:Probe:Interval {probe.Interval} (written hh:mm:ss.fff).");
        }

        if (probe.FailuresToDrop < 1)
        {
            errors.Add($"Farm:Dns:Probe:FailuresToDrop {probe.FailuresToDrop} must be at least 1.");
        }

        var limit = options.RateLimit;
        if (!(limit.ResponsesPerSecond >= 0) || !(limit.Burst >= 1) || limit.Slip < 0 || limit.MaxSources < 1)
        {
            errors.Add($"Farm:Dns:RateLimit needs ResponsesPerSecond >= 0 (0 is off), Burst >= 1, Slip >= 0 and MaxSources >= 1; got {limit.ResponsesPerSecond}, {limit.Burst}, {limit.Slip}, {limit.MaxSources}.");
        }

        if (limit.Ipv4PrefixLength is < 0 or > 32 || limit.Ipv6PrefixLength is < 0 or > 128)
        {
            errors.Add($"Farm:Dns:RateLimit prefix lengths must lie within 0-32 (IPv4) and 0-128 (IPv6); got {limit.Ipv4PrefixLength} and {limit.Ipv6PrefixLength}.");
        }

        var tcp = options.Tcp;
        if (tcp.MaxConnections < 1 || tcp.MaxConnectionsPerSource < 1 || tcp.MaxQueriesPerConnection < 1)
        {
            errors.Add($"Farm:Dns:Tcp needs MaxConnections, MaxConnectionsPerSource and MaxQueriesPerConnection of at least 1; got {tcp.MaxConnections}, {tcp.MaxConnectionsPerSource} and {tcp.MaxQueriesPerConnection}.");
        }

        if (tcp.IdleTimeout <= TimeSpan.Zero || tcp.IdleTimeout > MaxTcpIdleTimeout)
        {
            errors.Add($"Farm:Dns:Tcp:IdleTimeout {tcp.IdleTimeout} must lie above 00:00:00 and at most {MaxTcpIdleTimeout} (written hh:mm:ss).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsZoneName(string name) =>
        DomainName.TryParse(name, out var parsed) && parsed is { LabelCount: > 0 } && parsed.Labels.All(DnsLabel.IsValid);
}
