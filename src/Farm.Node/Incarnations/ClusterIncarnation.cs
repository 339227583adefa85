using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Farm.Node.Incarnations;

/// <summary>
/// One life of the node's cluster: its own container and actor system (remoting on the node's port, a new
/// unique address). Akka.Cluster cannot join again once the farm removed it, so a removed incarnation is
/// retired and another one started; the data plane lives in the host's actor system and never notices.
/// </summary>
internal sealed class ClusterIncarnation
{
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<IHostedService> _hosted;
    private readonly IncarnationLifetime _lifetime;

    private ClusterIncarnation(ServiceProvider services, IReadOnlyList<IHostedService> hosted, IncarnationLifetime lifetime, int number)
    {
        _hosted = hosted;
        _lifetime = lifetime;
        Number = number;
        System = services.GetRequiredService<ActorSystem>();

        // Ended by itself (a leave): the process ends with it, as a member that leaves always did.
        System.WhenTerminated.ContinueWith(_ => _lifetime.StopApplication(), TaskScheduler.Default);
    }

    public ActorSystem System { get; }

    public int Number { get; }

    public static async Task<ClusterIncarnation> StartAsync(
        HostServices host,
        IHostApplicationLifetime application,
        string systemName,
        int number,
        Action<AkkaConfigurationBuilder, IServiceProvider> configure,
        CancellationToken cancel)
    {
        var lifetime = new IncarnationLifetime(application);
        var registrations = host.NewIncarnationServices(lifetime);
        registrations.AddAkka(systemName, configure);
        var services = registrations.BuildServiceProvider();
        var hosted = services.GetServices<IHostedService>().ToList();
        try
        {
            foreach (var service in hosted)
            {
                await service.StartAsync(cancel).ConfigureAwait(false);
            }

            return new ClusterIncarnation(services, hosted, lifetime, number);
        }
        catch
        {
            lifetime.Retire();
            if (services.GetService<ActorSystem>() is { } system)
            {
                await system.Terminate().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>True once this incarnation is Up in the farm within <paramref name="patience"/>.</summary>
    public async Task<bool> UpWithinAsync(TimeSpan patience, CancellationToken cancel)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(System).RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            await up.Task.WaitAsync(patience, cancel).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Throws this incarnation away to make room (its port, its store files) for the next; the process goes on.</summary>
    public Task RetireAsync()
    {
        _lifetime.Retire();
        return StopAsync(CancellationToken.None);
    }

    /// <summary>Stops the actor system (a member still in the farm leaves it first) and the container.</summary>
    public async Task StopAsync(CancellationToken cancel)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(StopLimit);
        for (var i = _hosted.Count - 1; i >= 0; i--)
        {
            await _hosted[i].StopAsync(limit.Token).ConfigureAwait(false);
        }

        await System.Terminate().WaitAsync(limit.Token).ConfigureAwait(false);

        // The container is left to the collector, never disposed: it would dispose the host's own services
        // (the logger factory, the policy holder...) that it hands out.
    }
}
