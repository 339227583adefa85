using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;
using Farm.Shared.Policy;
using Farm.Shared.Replication.Signing;

namespace Farm.Shared.Replication;

/// <summary>
/// Gives a farm that has no policy its first one (version 1) once this member is Up. Run as a singleton
/// on the lighthouses, or locally by a node that forms a cluster alone. The seed goes through the policy
/// arbiter as a write that replaces version 0, so it cannot replace a real apply it races with.
/// A register value no lighthouse signed counts as no policy: the arbiter builds over it (or answers that
/// the members enforce a real version, and nothing is seeded).
/// </summary>
public sealed class PolicySeederActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Consistency = TimeSpan.FromSeconds(3);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public PolicySeederActor(PolicySeed seed, PolicyTrust trust)
    {
        Receive<Check>(_ => _replicator.Tell(Dsl.Get(PolicyEnvelope.Key, new ReadMajority(Consistency))));
        Receive<GetSuccess>(got =>
        {
            var held = got.Get(PolicyEnvelope.Key).Value;
            if (trust.Problem(held) is { } untrusted)
            {
                _log.Info("The farm's register holds policy version {0} by {1}, which is not trusted ({2}); seeding through the arbiter", held.Version, held.WrittenBy, untrusted);
                Write(seed);
                return;
            }

            _log.Info("The farm has policy version {0}; nothing to seed", held.Version);
            Become(Done);
        });
        Receive<GetFailure>(_ => Timers.StartSingleTimer(nameof(Check), Check.Instance, Consistency));
        Receive<NotFound>(_ =>
        {
            if (DurableStoreHealth.Get(Context.System).Damage is { } damage)
            {
                // The farm's policy may be the one this member could not read; seeding would replace it
                // with the seed file, which may pass what that policy blocks.
                _log.Info("The farm has no reachable policy, but not seeding from {0}: this member's stored policy is unreadable ({1})", seed.Source, damage.File);
                Become(Done);
                return;
            }

            Write(seed);
        });
        Receive<PolicyWriteReply>(reply =>
        {
            if (reply.Outcome is ApplyOutcome.Applied or ApplyOutcome.NotConfirmed)
                _log.Info("Seeded the farm's policy from {0} ({1})", seed.Source, reply.Outcome == ApplyOutcome.Applied ? "a majority has it" : "spreading by gossip");
            else if (reply.Outcome == ApplyOutcome.Conflict)
                _log.Info("The farm has policy version {0}; nothing to seed", reply.Version);
            else
                _log.Error("Could not seed the farm's policy from {0}: {1}", seed.Source, reply.Message);
            Become(Done);
        });
        Receive<Status.Failure>(failure =>
        {
            _log.Error("Could not seed the farm's policy from {0}: {1}", seed.Source, failure.Cause.Message);
            Become(Done);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        var self = Self;
        Akka.Cluster.Cluster.Get(Context.System).RegisterOnMemberUp(() => self.Tell(Check.Instance));
    }

    private void Write(PolicySeed seed)
    {
        string text;
        try
        {
            text = seed.ReadText();
        }
        catch (IOException e)
        {
            _log.Error(e, "Cannot read the seed policy {0}", seed.Source);
            Become(Done);
            return;
        }

        var parsed = PolicyParser.Parse(text);
        if (!parsed.Success)
        {
            _log.Error("The seed policy {0} is invalid, the farm stays without one: {1}", seed.Source, string.Join("; ", parsed.Errors));
            Become(Done);
            return;
        }

        // The seed is this member's own file or default: the arbiter records the writer as its local member.
        var writer = PolicyReplicaActor.SelfKey(Akka.Cluster.Cluster.Get(Context.System).SelfAddress);
        var write = new ApplyPolicy(text, PolicyDescent.SeedAuthorPrefix + seed.Source, 0, writer, Guid.NewGuid().ToString("N"), Consistency, FromLocalFile: true);
        ActorRegistry.For(Context.System).GetAsync<PolicyArbiterActor>()
            .ContinueWith(arbiter => arbiter.Result.Ask<PolicyWriteReply>(write, (Consistency * 3) + Consistency), TaskScheduler.Default)
            .Unwrap()
            .PipeTo(Self);
    }

    private void Done() => ReceiveAny(_ => { });

    private sealed class Check
    {
        public static readonly Check Instance = new();
    }
}

/// <summary>Wires the seeder: a lighthouse-role singleton, or a plain local actor on a standalone member.</summary>
public static class PolicySeederActorHosting
{
    public const string Name = "policy-seeder";

    public static AkkaConfigurationBuilder AddPolicySeederSingleton(this AkkaConfigurationBuilder builder, PolicySeed seed, string role) =>
        builder.WithSingleton<PolicySeederActor>(Name, (_, _, resolver) =>
            {
                var trust = TrustOf(resolver);
                return Props.Create(() => new PolicySeederActor(seed, trust));
            },
            new ClusterSingletonOptions { Role = role }, createProxyToo: false);

    public static AkkaConfigurationBuilder AddPolicySeeder(this AkkaConfigurationBuilder builder, PolicySeed seed) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var trust = TrustOf(resolver);
            registry.Register<PolicySeederActor>(system.ActorOf(Props.Create(() => new PolicySeederActor(seed, trust)), Name));
        });

    private static PolicyTrust TrustOf(Akka.DependencyInjection.IDependencyResolver resolver) =>
        resolver.GetService<PolicyTrust>() ?? throw new InvalidOperationException("no PolicyTrust registered: the seeder must know which register values to trust");
}
