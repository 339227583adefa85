using System.Globalization;
using Farm.Node.Hosting;
using Farm.Shared.Cluster;
using Farm.Shared.Listening;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

if (args is ["hash-password", ..])
{
    return HashPasswordCommand.Run(args, Console.In, Console.Out, Console.Error);
}

// Socket completions run on the event-loop threads instead of hopping to the thread pool: each hop
// is a wake-up and a context switch, which dominated the cost of a short connection. The data path
// never blocks in a completion (password hashing is sent to the pool). Read once, when the first
// socket is made, so it is set here; an operator's own value, 0 or 1, wins.
const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineSocketCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineSocketCompletions, "1");
}

// One event-loop thread per two cores (the runtime starts one per core when completions run
// inline). Fewer loops each serve more sockets, so a burst of small exchanges is handled in fewer
// wake-ups; dialing and the teardown run on the pool (ThreadPoolHop), which keeps the connection
// rate. An operator's own value wins.
const string SocketThreadCount = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";
if (Environment.GetEnvironmentVariable(SocketThreadCount) is null)
{
    Environment.SetEnvironmentVariable(SocketThreadCount, Math.Max(1, Environment.ProcessorCount / 2).ToString(CultureInfo.InvariantCulture));
}

// appsettings.json sits next to the binary, wherever the node is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFarmNode();
using var host = builder.Build();
if (host.Services.FindClusterTlsProblem() is { } tlsProblem)
{
    await Console.Error.WriteLineAsync($"farm-node: {tlsProblem}");
    return 1;
}

if (host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Farm.Node.Options.SocksOptions>>().Value.Problem is { } socksProblem)
{
    await Console.Error.WriteLineAsync($"farm-node: {socksProblem}");
    return 1;
}

if (Farm.Node.Options.SocksListenerEntries.Problem(host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()) is { } listenerProblem)
{
    await Console.Error.WriteLineAsync($"farm-node: {listenerProblem}");
    return 1;
}

if (host.Services.FindPortClash() is { } clash)
{
    await Console.Error.WriteLineAsync($"farm-node: {clash}");
    return 1;
}

// Taken before the run: RunAsync disposes the host's services.
var backgroundServices = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
try
{
    await host.RunAsync();
}
catch (OperationCanceledException) when (backgroundServices.Any(s => s.ExecuteTask is { IsFaulted: true }))
{
    // A service failed while the host was starting: the host's start was cancelled; told below.
}

// A background service that failed stopped the host: exit non-zero, with the reason in one line, so
// that a supervisor restarts the node (systemd's Restart=on-failure does not restart a clean exit).
// Found by an outsider's attack: a node whose session log failed exited with code 0.
if (backgroundServices.FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true }) is { } failed)
{
    await Console.Error.WriteLineAsync($"farm-node: {failed.GetType().Name} failed, the node stopped: {failed.ExecuteTask!.Exception!.GetBaseException().Message}");
    return 1;
}

return 0;
