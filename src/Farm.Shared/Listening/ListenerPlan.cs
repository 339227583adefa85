namespace Farm.Shared.Listening;

/// <summary>One subsystem's planned listeners, read from its options when asked.</summary>
public sealed class ListenerPlan(Func<IServiceProvider, IEnumerable<PlannedListener>> listeners)
{
    public IEnumerable<PlannedListener> Listeners(IServiceProvider services) => listeners(services);
}
