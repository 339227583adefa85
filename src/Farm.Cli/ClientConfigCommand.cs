using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Farm.Cli.CommandLine;
using Farm.Shared.Admin;

namespace Farm.Cli;

/// <summary>
/// Client configuration for the farm as it stands: the farm's DNS name when given, else the
/// listed nodes, else the cluster's live socks members.
/// </summary>
public static class ClientConfigCommand
{
    private static readonly string[] Formats = ["proxychains", "dante", "curl", "pac"];

    public static Command Command(Invocation run)
    {
        var format = new Option<string>("--format") { Description = "the client's configuration format", Required = true, HelpName = string.Join('|', Formats) };
        format.CompletionSources.Add(Formats);
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } given && !Formats.Contains(given))
            {
                result.AddError($"client-config: --format must be one of {string.Join(", ", Formats)}");
            }
        });
        var farmName = new Option<string>("--farm-name") { Description = "the farm's DNS name (no member needed)", HelpName = "name" };
        var nodes = new Option<string>("--nodes") { Description = "these nodes (no member needed)", HelpName = "h:p,h:p" };
        var port = new Option<int?>("--port")
        {
            Description = "the SOCKS port (overrides the advertised ports; default 1080 for names and nodes without one)",
            CustomParser = ValueParsers.Create((string text, out int? value) =>
            {
                var ok = ValueParsers.Number(1, 65535)(text, out var number);
                value = ok ? (int)number : null;
                return ok;
            }, text => $"client-config: --port '{text}' is not a port"),
        };
        var command = new Command("client-config", "client configuration for the farm name, the given nodes, or the live socks members' advertised endpoints") { format, farmName, nodes, port };
        command.SetAction((parse, cancel) =>
        {
            var request = (Format: parse.GetValue(format)!, FarmName: parse.GetValue(farmName), Nodes: parse.GetValue(nodes), Port: parse.GetValue(port));
            return request.FarmName is null && request.Nodes is null
                ? run.WithMemberAsync(parse, cancel, c => RunAsync(c, c.Out, c.Json, request.Format, null, null, request.Port, cancel))
                : RunOfflineAsync(run.Out, run.Json(parse), request, cancel);
        });
        return command;
    }

    private static async Task<int> RunOfflineAsync(TextWriter output, bool json, (string Format, string? FarmName, string? Nodes, int? Port) request, CancellationToken cancel) =>
        (int)await RunAsync(null, output, json, request.Format, request.FarmName, request.Nodes, request.Port, cancel).ConfigureAwait(false);

    private static async Task<ExitCode> RunAsync(CliContext? context, TextWriter output, bool json, string format, string? farmName, string? nodes, int? given, CancellationToken cancel)
    {
        var port = given ?? 1080;

        var endpoints = farmName is not null ? [(farmName, port)]
            : nodes is not null ? ParseNodes(nodes, port)
            : await LiveNodesAsync(context ?? throw CliException.Usage("client-config: give --farm-name or --nodes, or a member to ask"), given, cancel).ConfigureAwait(false);
        var text = format switch
        {
            "proxychains" => Proxychains(endpoints),
            "dante" => Dante(endpoints),
            "curl" => Curl(endpoints),
            _ => Pac(endpoints),
        };
        var names = endpoints.Select(e => Join(e.Host, e.Port)).ToList();
        output.Write(json ? JsonSerializer.Serialize(new ClientConfigResult(format, names, text), CliJsonContext.Default.ClientConfigResult) + Environment.NewLine : text);
        return ExitCode.Ok;
    }

    private static List<(string Host, int Port)> ParseNodes(string nodes, int port) =>
        [.. nodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(node =>
        {
            if (IPEndPoint.TryParse(node, out var endpoint) && node.Contains(':', StringComparison.Ordinal) && endpoint.Port != 0)
            {
                return (endpoint.Address.ToString(), endpoint.Port);
            }

            var colon = node.LastIndexOf(':');
            return colon > 0 && int.TryParse(node.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                ? (node[..colon], p)
                : (node.Trim('[', ']'), port);
        })];

    /// <summary>Every live socks member's advertised endpoints, as the lighthouse's DNS hands them out; a given port overrides theirs.</summary>
    private static async Task<List<(string Host, int Port)>> LiveNodesAsync(CliContext context, int? port, CancellationToken cancel)
    {
        var view = await context.Client.GetAsync(AdminRoutes.ClusterMembers, AdminJsonContext.Default.ClusterView, cancel).ConfigureAwait(false);
        var endpoints = view.Members
            .Where(m => m.Roles.Contains("socks") && m.Status == "up" && m.Reachable && !m.Draining)
            .SelectMany(m => m.Socks ?? [])
            .Select(IPEndPoint.Parse)
            .Select(e => (e.Address.ToString(), port ?? e.Port))
            .Distinct()
            .ToList();
        return endpoints.Count > 0
            ? endpoints
            : throw new CliException(ExitCode.Failed, "client-config: no live socks member advertises a SOCKS endpoint; give --farm-name or --nodes");
    }

    private static string Join(string host, int port) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";

    /// <summary>proxychains4 takes numeric addresses only, so a name is resolved here, once.</summary>
    private static string Proxychains(List<(string Host, int Port)> endpoints)
    {
        var text = new StringBuilder();
        text.AppendLine("# proxychains4.conf for the farm, by farmctl client-config");
        text.AppendLine(endpoints.Count > 1 ? "round_robin_chain\nchain_len = 1" : "strict_chain");
        text.AppendLine("proxy_dns");
        text.AppendLine("tcp_read_time_out 15000");
        text.AppendLine("tcp_connect_time_out 8000");
        text.AppendLine();
        text.AppendLine("[ProxyList]");
        foreach (var (host, port) in endpoints)
        {
            foreach (var address in Resolve(host))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"socks5 {address} {port}");
            }
        }

        return text.ToString();
    }

    private static string Dante(List<(string Host, int Port)> endpoints)
    {
        var text = new StringBuilder();
        text.AppendLine("# dante.conf (socksify) for the farm, by farmctl client-config");
        text.AppendLine("resolveprotocol: fake");
        foreach (var (host, port) in endpoints)
        {
            text.AppendLine("route {");
            text.AppendLine(CultureInfo.InvariantCulture, $"        from: 0.0.0.0/0 to: 0.0.0.0/0 via: {host} port = {port}");
            text.AppendLine("        proxyprotocol: socks_v5");
            text.AppendLine("        method: none username");
            text.AppendLine("}");
        }

        return text.ToString();
    }

    private static string Curl(List<(string Host, int Port)> endpoints)
    {
        var (host, port) = endpoints[0];
        var text = new StringBuilder();
        text.AppendLine("# .curlrc for the farm, by farmctl client-config (names resolved by the farm)");
        text.AppendLine(CultureInfo.InvariantCulture, $"socks5-hostname = \"{Join(host, port)}\"");
        text.AppendLine(CultureInfo.InvariantCulture, $"# or in the environment: ALL_PROXY=socks5h://{Join(host, port)}");
        return text.ToString();
    }

    /// <summary>No DIRECT fallback: the farm is the only way out, and a PAC file must not open another.</summary>
    private static string Pac(List<(string Host, int Port)> endpoints)
    {
        var proxies = string.Join("; ", endpoints.Select(e => $"SOCKS5 {Join(e.Host, e.Port)}").Concat(endpoints.Select(e => $"SOCKS {Join(e.Host, e.Port)}")));
        return $$"""
            // proxy.pac for the farm, by farmctl client-config
            function FindProxyForURL(url, host) {
                return "{{proxies}}";
            }

            """;
    }

    private static IEnumerable<string> Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return [address.ToString()];
        }

        try
        {
            return Dns.GetHostAddresses(host).Select(a => a.ToString());
        }
        catch (System.Net.Sockets.SocketException)
        {
            throw new CliException(ExitCode.Failed, $"client-config: proxychains needs addresses and {host} does not resolve here");
        }
    }
}
