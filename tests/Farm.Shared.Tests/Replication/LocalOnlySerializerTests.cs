using Akka.Actor;
using Akka.DistributedData;
using Akka.DistributedData.Durable;
using Farm.Shared.Replication;

namespace Farm.Shared.Tests.Replication;

public sealed class LocalOnlySerializerTests()
    : Akka.TestKit.Xunit2.TestKit(FarmSerialization.Config.WithFallback(DistributedData.DefaultConfig()))
{
    [Fact]
    public void DurableProtocol_IsBoundToIt()
    {
        Assert.IsType<LocalOnlySerializer>(Sys.Serialization.FindSerializerForType(typeof(Store)));
        Assert.IsType<LocalOnlySerializer>(Sys.Serialization.FindSerializerForType(typeof(LoadData)));
    }

    [Fact]
    public void RoundTrip_ReturnsTheSameInstance()
    {
        var serializer = new LocalOnlySerializer((ExtendedActorSystem)Sys);
        var store = new Store("farm-policy", new DurableDataEnvelope(GCounter.Empty), null);

        Assert.Same(store, serializer.FromBinary(serializer.ToBinary(store), typeof(Store)));
    }

    [Fact]
    public void FromBinary_OfAnotherSystem_Throws()
    {
        var sender = new LocalOnlySerializer((ExtendedActorSystem)Sys);
        var receiver = new LocalOnlySerializer((ExtendedActorSystem)Sys);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => receiver.FromBinary(sender.ToBinary(LoadAll.Instance), typeof(LoadAll)));
    }
}
