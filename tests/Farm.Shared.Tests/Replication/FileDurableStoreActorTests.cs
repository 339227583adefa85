using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.DistributedData.Durable;
using Farm.Shared.Replication;

namespace Farm.Shared.Tests.Replication;

public sealed class FileDurableStoreActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TempDirectory _dir = new();

    public FileDurableStoreActorTests()
        : base(ConfigurationFactory.ParseString("akka.actor.serialize-messages = on")
            .WithFallback(FarmSerialization.Config)
            .WithFallback(DistributedData.DefaultConfig()))
    {
    }

    [Fact]
    public void Store_WithReply_RepliesSuccess()
    {
        var store = StartStore();
        Load(store);

        store.Tell(new Store("farm-policy", Envelope("v1"), new StoreReply("ok", "failed", TestActor)));

        ExpectMsg("ok");
        Assert.True(File.Exists(Path.Combine(_dir.Path, "farm-policy.ddata")));
    }

    [Fact]
    public void EmptyDirectory_LoadAll_CompletesWithoutData()
    {
        var store = StartStore();

        store.Tell(LoadAll.Instance);

        ExpectMsg<LoadAllCompleted>();
    }

    [Fact]
    public void Store_ThenRestart_LoadAllReturnsLastValues()
    {
        var store = StartStore();
        Load(store);
        StoreAndAwait(store, "farm-policy", Envelope("v1"));
        StoreAndAwait(store, "farm-policy", Envelope("v2"));
        StoreAndAwait(store, "Other/Key.with spaces ü", Envelope("other"));
        Stop(store);

        var loaded = Load(StartStore());

        Assert.Equal(2, loaded.Count);
        Assert.Equal(Envelope("v2"), loaded["farm-policy"]);
        Assert.Equal(Envelope("other"), loaded["Other/Key.with spaces ü"]);
    }

    [Fact]
    public void PartialTempFileFromCrash_IsIgnored_LastCompleteValueWins()
    {
        var store = StartStore();
        Load(store);
        StoreAndAwait(store, "farm-policy", Envelope("v1"));
        var committed = Path.Combine(_dir.Path, "farm-policy.ddata");
        var complete = File.ReadAllBytes(committed);
        StoreAndAwait(store, "farm-policy", Envelope("v2"));
        Stop(store);
        // A crash while writing v3: its temp file is cut short and was never renamed over v2.
        var newer = File.ReadAllBytes(committed);
        File.WriteAllBytes(committed + ".crashed" + DurableFileDirectory.TempExtension, newer[..(newer.Length / 2)]);
        File.WriteAllBytes(Path.Combine(_dir.Path, "new-key.ddata.crashed" + DurableFileDirectory.TempExtension), complete);

        var loaded = Load(StartStore());

        Assert.Equal(Envelope("v2"), Assert.Single(loaded).Value);
        Assert.Equal(["farm-policy.ddata"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void DamagedCommittedFile_LoadAll_CompletesWithoutIt_ReportsIt_KeepsIt_UntilRewritten()
    {
        var store = StartStore();
        Load(store);
        StoreAndAwait(store, "farm-policy", Envelope("v1"));
        StoreAndAwait(store, "other", Envelope("other"));
        Stop(store);
        var committed = Path.Combine(_dir.Path, "farm-policy.ddata");
        var truncated = File.ReadAllBytes(committed)[..^1];
        File.WriteAllBytes(committed, truncated);

        var restarted = StartStore();
        var loaded = EventFilter.Error(contains: "is damaged").ExpectOne(() => Load(restarted));

        Assert.Equal(["other"], loaded.Keys);
        Assert.Equal(committed, DurableStoreHealth.Get(Sys).Damage?.File);
        Assert.Contains("checksum", DurableStoreHealth.Get(Sys).Damage?.Problem);
        Assert.Equal(truncated, File.ReadAllBytes(committed));
        StoreAndAwait(restarted, "farm-policy", Envelope("v2"));
        Assert.Null(DurableStoreHealth.Get(Sys).Damage);
    }

    [Fact]
    public void UnparsableEnvelope_LoadAll_ReportsIt()
    {
        var store = StartStore();
        Load(store);
        StoreAndAwait(store, "farm-policy", Envelope("v1"));
        Stop(store);
        // A whole file with a valid checksum whose manifest no serializer knows: damage past the file layer.
        var committed = Path.Combine(_dir.Path, "farm-policy.ddata");
        var bytes = File.ReadAllBytes(committed)[..^32];
        var at = bytes.AsSpan().IndexOf("policy-envelope-v4"u8);
        Assert.True(at >= 0, "the envelope's manifest is not in the file");
        bytes[at] = (byte)'P';
        File.WriteAllBytes(committed, [.. bytes, .. System.Security.Cryptography.SHA256.HashData(bytes)]);

        var loaded = EventFilter.Error(contains: "is damaged").ExpectOne(() => Load(StartStore()));

        Assert.Empty(loaded);
        Assert.Equal(committed, DurableStoreHealth.Get(Sys).Damage?.File);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Store_CreatesDirectory0700_AndFiles0600()
    {
        var store = StartStore();
        Load(store);

        StoreAndAwait(store, "farm-policy", Envelope("v1"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.Path, "farm-policy.ddata")));
    }

    [Fact]
    public void WriteBehind_RepliesAtOnce_AndStopFlushesLatestValue()
    {
        var store = StartStore("1h");
        Load(store);
        StoreAndAwait(store, "farm-policy", Envelope("v1"));
        StoreAndAwait(store, "farm-policy", Envelope("v2"));
        Assert.Empty(Directory.GetFiles(_dir.Path));
        Stop(store);

        var loaded = Load(StartStore());

        Assert.Equal(Envelope("v2"), Assert.Single(loaded).Value);
    }

    [Fact]
    public void WriteBehind_WritesAfterInterval()
    {
        var store = StartStore("100ms");
        Load(store);

        StoreAndAwait(store, "farm-policy", Envelope("v1"));

        AwaitCondition(() => File.Exists(Path.Combine(_dir.Path, "farm-policy.ddata")));
    }

    [Theory]
    [InlineData("farm-policy", "farm-policy.ddata")]
    [InlineData("Policy", "%50olicy.ddata")]
    [InlineData("../a.b", "%2E%2E%2Fa%2Eb.ddata")]
    [InlineData("ü", "%C3%BC.ddata")]
    public void FileNameFor_KeepsSafeCharacters_EscapesTheRest(string key, string fileName) =>
        Assert.Equal(fileName, DurableFileDirectory.FileNameFor(key));

    [Fact]
    public void FileNameFor_TooLongKey_Throws() =>
        Assert.Throws<ArgumentException>(() => DurableFileDirectory.FileNameFor(new string('A', 100)));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _dir.Dispose();
    }

    // The replicator serializers keep only host, port and uid of a node; system name and protocol are the reader's.
    private DurableDataEnvelope Envelope(string text) =>
        new(new LWWRegister<PolicyEnvelope>(new UniqueAddress(new Address("akka", Sys.Name, "127.0.0.1", 4054), 1), new PolicyEnvelope(text, 1, "alice", DateTimeOffset.UnixEpoch), 42));

    private IActorRef StartStore(string writeBehind = "off")
    {
        var config = ConfigurationFactory.ParseString($"file.write-behind-interval = {writeBehind}")
            .WithFallback(FileDurableStoreActor.ConfigFor(_dir.Path, "*").GetConfig("akka.cluster.distributed-data.durable"));
        return Sys.ActorOf(Props.Create(() => new FileDurableStoreActor(config)));
    }

    private IReadOnlyDictionary<string, DurableDataEnvelope> Load(IActorRef store)
    {
        store.Tell(LoadAll.Instance);
        var loaded = ExpectMsg<object>() is LoadData data ? data.Data : null;
        if (loaded is null)
            return new Dictionary<string, DurableDataEnvelope>();
        ExpectMsg<LoadAllCompleted>();
        return loaded;
    }

    private void StoreAndAwait(IActorRef store, string key, DurableDataEnvelope envelope)
    {
        store.Tell(new Store(key, envelope, new StoreReply("ok", "failed", TestActor)));
        ExpectMsg("ok");
    }

    private void Stop(IActorRef store)
    {
        Watch(store);
        Sys.Stop(store);
        ExpectTerminated(store);
    }
}
