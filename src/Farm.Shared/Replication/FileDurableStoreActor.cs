using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData.Durable;
using Akka.Event;

namespace Farm.Shared.Replication;

/// <summary>
/// Durable store for Akka.DistributedData on plain files, replacing the LMDB store whose only
/// LightningDB here (0.23.1) fails at start. The replicator creates it from
/// <c>akka.cluster.distributed-data.durable.store-actor-class</c>, passing the <c>durable</c> section.
/// </summary>
public sealed class FileDurableStoreActor : ReceiveActor, IWithTimers
{
    private readonly DurableFileDirectory _files;
    private readonly TimeSpan? _writeBehind;
    private readonly Dictionary<string, DurableDataEnvelope> _pending = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DurableStoreHealth _health = DurableStoreHealth.Get(Context.System);

    public FileDurableStoreActor(Config durableConfig)
    {
        var config = durableConfig.GetConfig("file");
        var dir = config.IsNullOrEmpty() ? null : config.GetString("dir", null);
        if (string.IsNullOrWhiteSpace(dir))
            throw new ConfigurationException("akka.cluster.distributed-data.durable.file.dir must be set");

        _files = new DurableFileDirectory(Path.GetFullPath(dir), Context.System.Serialization);
        _writeBehind = config.GetString("write-behind-interval", "off").ToLowerInvariant() is "off" or "false" or "no"
            ? null
            : config.GetTimeSpan("write-behind-interval");
        Loading();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The HOCON that makes DistributedData keep <paramref name="durableKeys"/> in <paramref name="directory"/>.</summary>
    public static Config ConfigFor(string directory, params string[] durableKeys)
    {
        static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return ConfigurationFactory.ParseString($$"""
            akka.cluster.distributed-data.durable {
              keys = [{{string.Join(", ", durableKeys.Select(Quote))}}]
              store-actor-class = "{{typeof(FileDurableStoreActor).FullName}}, {{typeof(FileDurableStoreActor).Assembly.GetName().Name}}"
              file {
                dir = {{Quote(directory)}}
                write-behind-interval = off
              }
            }
            """);
    }

    // The replicator loads once at start; after a restart it only sends stores.
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Become(Active);
    }

    protected override void PostStop() => FlushPending();

    private void Loading() => Receive<LoadAll>(_ =>
    {
        DurableLoad load;
        try
        {
            load = _files.ReadAll();
        }
        catch (Exception e)
        {
            // The directory itself is unusable; the replicator's supervisor stops the replicator on this.
            throw new LoadFailedException($"Failed to load durable data from {_files.Directory}", e);
        }

        // Reported before LoadAllCompleted: the replicator answers no Get until then, so whoever sees a
        // key missing already knows whether it was absent or unreadable.
        foreach (var damage in load.Damaged)
        {
            _health.Report(damage);
            _log.Error("Durable store file {0} is damaged ({1}): this member refuses clients until it holds a valid farm policy from a peer or a repaired store",
                damage.File, damage.Problem);
        }
        if (load.Entries.Count > 0)
            Sender.Tell(new LoadData(load.Entries));
        Sender.Tell(LoadAllCompleted.Instance);
        _log.Info("Loaded {0} durable entries from {1}", load.Entries.Count, _files.Directory);
        Become(Active);
    });

    private void Active()
    {
        Receive<Store>(store =>
        {
            if (_writeBehind is { } interval)
            {
                // Write-behind acknowledges before the write, trading the last interval's updates on a
                // crash for one file write per key per interval; the cluster still holds those updates.
                if (_pending.Count == 0)
                    Timers.StartSingleTimer(nameof(WriteBehind), WriteBehind.Instance, interval);
                _pending[store.Key] = store.Data;
                Reply(store, succeeded: true);
            }
            else
            {
                Reply(store, TryWrite(store.Key, store.Data));
            }
        });
        Receive<WriteBehind>(_ => FlushPending());
    }

    private void FlushPending()
    {
        foreach (var (key, data) in _pending)
            TryWrite(key, data);
        _pending.Clear();
    }

    private bool TryWrite(string key, DurableDataEnvelope data)
    {
        try
        {
            _files.Write(key, data);
            _health.Repaired(_files.PathFor(key));
            return true;
        }
        catch (Exception e)
        {
            _log.Error(e, "Failed to store durable key [{0}] in {1}", key, _files.Directory);
            return false;
        }
    }

    private static void Reply(Store store, bool succeeded)
    {
        if (store.Reply is { } reply)
            reply.ReplyTo.Tell(succeeded ? reply.SuccessMessage : reply.FailureMessage);
    }

    private sealed class WriteBehind
    {
        public static readonly WriteBehind Instance = new();
    }
}
