using System.Net;

namespace Farm.Bench;

/// <summary>
/// A system under test: the direct baseline (no proxy) or a SOCKS5 proxy, with the PID whose
/// process tree is charged for CPU and memory.
/// </summary>
public sealed record Target(string Name, IPEndPoint? Proxy, int? Pid)
{
    public const string DirectName = "direct";

    public bool IsDirect => Proxy is null;

    /// <summary>Parses <c>direct</c> or <c>name=host:port[@pid]</c>.</summary>
    public static Target Parse(string spec)
    {
        if (spec == DirectName)
        {
            return new Target(DirectName, null, null);
        }

        var eq = spec.IndexOf('=');
        if (eq <= 0)
        {
            throw new FormatException($"target '{spec}': expected 'direct' or name=host:port[@pid]");
        }

        var name = spec[..eq];
        var rest = spec[(eq + 1)..];
        int? pid = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            pid = int.Parse(rest[(at + 1)..]);
            rest = rest[..at];
        }

        return new Target(name, IPEndPoint.Parse(rest), pid);
    }
}
