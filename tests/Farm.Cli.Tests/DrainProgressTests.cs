using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary><c>node drain --wait</c> shows the open sessions counting down, one line per change when not on a terminal.</summary>
public sealed class DrainProgressTests : IAsyncLifetime
{
    private NodeHost _node = null!;
    private EchoServer _echo = null!;

    public async Task InitializeAsync()
    {
        _echo = new EchoServer();
        _node = await NodeHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _echo.DisposeAsync();
    }

    [Fact]
    public async Task DrainWait_SessionsEndOneByOne_EachCountALine_ThenTheResult()
    {
        var sessions = new List<SocksClient>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint));
        }

        var drain = Farmctl.Start([_node.Admin, "node", "drain", "--wait", "--deadline", "5m"]);
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(45));
            var progress = new List<string>();
            foreach (var expected in new[] { "waiting: 3 open sessions", "waiting: 2 open sessions", "waiting: 1 open session" })
            {
                var line = await drain.StandardError.ReadLineAsync(deadline.Token);
                progress.Add(line ?? "(end)");
                Assert.True(line?.StartsWith(expected, StringComparison.Ordinal), $"expected '{expected}', got: {string.Join(" / ", progress)}");
                Assert.Contains("(closed at ", line, StringComparison.Ordinal);
                sessions[0].Dispose();
                sessions.RemoveAt(0);
            }

            await drain.WaitForExitAsync(deadline.Token);
            Assert.Equal(0, drain.ExitCode);
            Assert.Equal(string.Empty, await drain.StandardError.ReadToEndAsync(deadline.Token));
            Assert.Equal("draining: no open sessions", (await drain.StandardOutput.ReadToEndAsync(deadline.Token)).Trim());
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
            await StartedProcesses.StopAsync(drain);
        }
    }
}
