using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Hosting;

/// <summary>The node process chooses its socket event-loop threads itself, and an operator's value wins.</summary>
public sealed class SocketRuntimeDefaultsTests
{
    private const string ThreadCount = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    [Fact]
    public async Task ByDefault_OneEventLoopThreadPerTwoCores()
    {
        await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>());

        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), await EventLoopThreadsAsync(node));
    }

    [Fact]
    public async Task TheOperatorsThreadCount_Wins()
    {
        await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string> { [ThreadCount] = "3" });

        Assert.Equal(3, await EventLoopThreadsAsync(node));
    }

    /// <summary>The runtime names its socket event-loop threads ".NET Sockets"; they start with the first waiting socket operation.</summary>
    private static async Task<int> EventLoopThreadsAsync(ExternalNodeProcess node)
    {
        // A greeting answered means the listener has accepted, so its engine is running.
        using var client = await RawClient.ConnectAsync(node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x00);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2));

        var names = Directory.GetDirectories($"/proc/{node.ProcessId}/task")
            .Select(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'));
        return names.Count(name => name == ".NET Sockets");
    }
}
