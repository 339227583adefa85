using System.Net;

namespace Farm.Shared.Policy;

/// <summary>
/// The outcome of one step of <see cref="DecisionProcedure"/>: what to do next, the decision that says so
/// (its rule, or none for the default block), why, the route (for a name still to resolve, the one the name alone
/// takes), and every address checked in this step.
/// </summary>
public sealed record RequestVerdict(RequestStep Step, RequestDecision Decision, VerdictReason Reason, RouteDecision Route, IReadOnlyList<AddressDecision> Addresses)
{
    /// <summary>The addresses that passed and take the verdict's route, in the order given.</summary>
    public IReadOnlyList<IPAddress> Permitted => [.. Addresses.Where(a => a.Decision.Action == PolicyAction.Pass && a.OnRoute).Select(a => a.Address)];

    /// <summary>The decision on a permitted address, for the record of the one actually used.</summary>
    public RequestDecision DecisionFor(IPAddress address) =>
        Addresses.FirstOrDefault(a => a.Address.Equals(address) && a.Decision.Action == PolicyAction.Pass).Decision is { Rule: not null } found ? found : Decision;
}
