using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;
using Farm.Shared.Replication.Signing;

namespace Farm.Shared.Replication;

/// <summary>
/// On a member started with an explicit policy file: once Up, reads the farm's stored policy from a
/// majority and, when the file's text differs, applies the file to the farm if it was modified after that
/// version was written (the normal compare-and-set write, so versioned and audited), or else keeps the
/// farm's version and says so in one warning naming both. A farm with no policy yet is left to the seeder.
/// </summary>
public sealed class PolicyFileAtStartActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Consistency = TimeSpan.FromSeconds(3);

    // The seeder writes a new farm's first version within seconds of the lighthouse being Up.
    private const int MaxReads = 20;

    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _file;
    private readonly PolicyApplier _applier;
    private readonly PolicyTrust _trust;
    private int _reads;

    public PolicyFileAtStartActor(string file, PolicyApplier applier, PolicyTrust trust)
    {
        _file = file;
        _applier = applier;
        _trust = trust;
        Receive<Check>(_ =>
        {
            _reads++;
            _replicator.Tell(Dsl.Get(PolicyEnvelope.Key, new ReadMajority(Consistency)));
        });
        Receive<GetSuccess>(got =>
        {
            // A value no lighthouse signed is no farm version: neither its time nor its text decides anything.
            var farm = got.Get(PolicyEnvelope.Key).Value;
            if (_trust.Problem(farm) is { } untrusted)
                Retry($"the farm's register holds version {farm.Version} by {farm.WrittenBy}, which is not trusted ({untrusted})");
            else
                Decide(farm);
        });
        Receive<NotFound>(_ => Retry("the farm has no policy yet"));
        Receive<GetFailure>(_ => Retry("a majority did not answer"));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        var self = Self;
        Akka.Cluster.Cluster.Get(Context.System).RegisterOnMemberUp(() => self.Tell(Check.Instance));
    }

    private void Retry(string why)
    {
        if (DurableStoreHealth.Get(Context.System).Damage is not null || _reads >= MaxReads)
        {
            // A damaged store may hide the farm's policy: the file must not replace what it cannot see.
            _log.Info("Policy file {0} not compared with the farm's policy: {1}", _file, why);
            Become(Done);
            return;
        }

        Timers.StartSingleTimer(nameof(Check), Check.Instance, Consistency);
    }

    private void Decide(PolicyEnvelope farm)
    {
        string text;
        DateTimeOffset modified;
        try
        {
            text = File.ReadAllText(_file);
            modified = new DateTimeOffset(File.GetLastWriteTimeUtc(_file), TimeSpan.Zero);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error("Policy file {0} not compared with the farm's policy version {1}: {2}", _file, farm.Version, e.Message);
            Become(Done);
            return;
        }

        switch (StartPolicyChoice.Of(text, modified, farm))
        {
            case StartPolicy.Same:
                Become(Done);
                break;
            case StartPolicy.KeepFarm:
                _log.Warning("Policy file {0} (modified {1:O}) differs from the farm's policy version {2} (written {3:O} by {4}), which is newer: keeping version {2}; apply the file (farmctl policy apply or SIGHUP) to replace it",
                    _file, modified, farm.Version, farm.Timestamp, farm.WrittenBy);
                Become(Done);
                break;
            default:
                _log.Info("Policy file {0} (modified {1:O}) is newer than the farm's policy version {2} (written {3:O}): applying it to the farm", _file, modified, farm.Version, farm.Timestamp);
                var author = $"start:{Environment.MachineName}:{Environment.ProcessId}:{_file}";
                _applier.ApplyAsync(text, author, farm.Version, fromLocalFile: true)
                    .ContinueWith(t => t.IsCompletedSuccessfully ? new Applied(farm.Version, t.Result) : new Applied(farm.Version, ApplyResult.Failed(t.Exception?.GetBaseException().Message ?? "cancelled")), TaskScheduler.Default)
                    .PipeTo(Self);
                Become(Applying);
                break;
        }
    }

    private void Applying() => Receive<Applied>(applied =>
    {
        var result = applied.Result;
        if (result.Outcome == ApplyOutcome.Applied)
            _log.Info("Policy file {0} applied to the farm as version {1}", _file, result.Version);
        else if (result.Outcome == ApplyOutcome.NotConfirmed)
            _log.Warning("Policy file {0} written as the farm's version {1}, not confirmed: {2}", _file, result.Version, result.Message);
        else
            _log.Error("Policy file {0} not applied to the farm, version {1} stays: {2}", _file, applied.Replaced, result.Message);
        Become(Done);
    });

    private void Done() => ReceiveAny(_ => { });

    private sealed class Check
    {
        public static readonly Check Instance = new();
    }

    private sealed record Applied(long Replaced, ApplyResult Result);
}

/// <summary>Wires the start-time comparison of a member's own policy file with the farm's.</summary>
public static class PolicyFileAtStartActorHosting
{
    public const string Name = "policy-file-at-start";

    public static AkkaConfigurationBuilder AddPolicyFileAtStart(this AkkaConfigurationBuilder builder, string file) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var applier = resolver.GetService<PolicyApplier>();
            var trust = resolver.GetService<PolicyTrust>() ?? throw new InvalidOperationException("no PolicyTrust registered: the farm's version must be trusted before a file is compared with it");
            registry.Register<PolicyFileAtStartActor>(system.ActorOf(Props.Create(() => new PolicyFileAtStartActor(file, applier, trust)), Name));
        });

    /// <summary>Only for a member given an explicit file: the embedded default is never applied over a farm's policy.</summary>
    public static AkkaConfigurationBuilder AddPolicyFileAtStartWhen(this AkkaConfigurationBuilder builder, string? file) =>
        file is null ? builder : builder.AddPolicyFileAtStart(file);
}
