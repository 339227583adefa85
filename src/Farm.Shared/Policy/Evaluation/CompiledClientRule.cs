namespace Farm.Shared.Policy;

internal sealed class CompiledClientRule(ClientRule rule)
{
    public ClientDecision Decision { get; } = new(rule.Action, PolicyRuleInfo.For(rule.Line, rule.Name, rule.Log));

    private readonly AddressSet? _from = rule.From is { } from ? new AddressSet(from) : null;

    private readonly AddressSet? _on = rule.On is { } on ? new AddressSet(on) : null;

    public bool Matches(IpKey client, IpKey listener) =>
        (_from is null || _from.Contains(client)) && (_on is null || _on.Contains(listener));
}
