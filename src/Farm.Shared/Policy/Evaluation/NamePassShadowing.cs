namespace Farm.Shared.Policy;

/// <summary>
/// Finds pass rules that name hosts placed before a block of addresses. First match wins on the resolved
/// address too, so such a pass lets its names through wherever they resolve, even into the blocked range.
/// </summary>
public static class NamePassShadowing
{
    public static IReadOnlyList<string> Find(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var rules = document.Rules.Items;
        var warnings = new List<string>();
        for (var i = 0; i < rules.Length; i++)
        {
            var pass = rules[i];
            var names = pass.To?.Where(d => d is not NetworkDestination).Select(Text).ToList() ?? [];
            if (pass.Action != PolicyAction.Pass || names.Count == 0)
            {
                continue;
            }

            foreach (var block in rules.Skip(i + 1).Where(b => b.Action == PolicyAction.Block && Overlap(pass, b)))
            {
                var networks = block.To!.Value.OfType<NetworkDestination>().Select(n => n.Network.ToString());
                warnings.Add($"{Id(pass)} passes {string.Join(", ", names)} before {Id(block)} blocks {string.Join(", ", networks)}: "
                    + "a name that resolves into those addresses is passed; put the address block first");
            }
        }

        return warnings;
    }

    private static bool Overlap(RequestRule pass, RequestRule block) =>
        (pass.Commands & block.Commands) != CommandSet.None
        && block.To is { } to && to.Any(d => d is NetworkDestination)
        && (pass.Ports is null || block.Ports is null || pass.Ports.Value.Any(p => block.Ports.Value.Any(b => p.First <= b.Last && b.First <= p.Last)))
        && (pass.From is null || block.From is null || pass.From.Value.Any(p => block.From.Value.Any(b =>
            p.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily && (p.Contains(b.BaseAddress) || b.Contains(p.BaseAddress)))));

    private static string Id(RequestRule rule) => rule.Name is { } name ? $"rule '{name}' (line {rule.Line})" : $"line {rule.Line}";

    private static string Text(Destination destination) => destination switch
    {
        HostDestination host => host.Host,
        DomainSuffixDestination suffix => $"*.{suffix.Suffix}",
        _ => destination.ToString() ?? string.Empty,
    };
}
