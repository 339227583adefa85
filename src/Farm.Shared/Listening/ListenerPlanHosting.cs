using Microsoft.Extensions.DependencyInjection;

namespace Farm.Shared.Listening;

/// <summary>Each subsystem names the ports it will listen on; the executable checks them all before it starts.</summary>
public static class ListenerPlanHosting
{
    /// <param name="plan">Reads the subsystem's options; it skips what does not parse, which the subsystem itself refuses at start.</param>
    public static IServiceCollection AddPlannedListeners(this IServiceCollection services, Func<IServiceProvider, IEnumerable<PlannedListener>> plan) =>
        services.AddSingleton(new ListenerPlan(plan));

    /// <summary>The first planned port that cannot be had, or null when all are free.</summary>
    public static PortClash? FindPortClash(this IServiceProvider services) =>
        ListenerPreflight.FindClash(services.GetServices<ListenerPlan>().SelectMany(plan => plan.Listeners(services)).ToList());
}
