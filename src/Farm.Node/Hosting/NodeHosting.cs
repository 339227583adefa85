using Akka.Hosting;
using Farm.Node.Admin;
using Farm.Node.Cluster;
using Farm.Node.Discovery;
using Farm.Node.Draining;
using Farm.Node.Incarnations;
using Farm.Node.Listening;
using Farm.Node.Logging;
using Farm.Node.Policy;
using Farm.Node.Sessions;
using Farm.Node.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Farm.Node.Hosting;

/// <summary>Everything a SOCKS node runs, chained from the subsystems' own wiring.</summary>
public static class NodeHosting
{
    public const string ActorSystemName = "farm";

    public static IHostApplicationBuilder AddFarmNode(this IHostApplicationBuilder builder)
    {
        // Standard output carries session records (JSON lines); diagnostics go to standard error.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddNodeTelemetry(builder.Configuration);
        builder.Services.AddFilePolicy(builder.Configuration);
        builder.Services.AddSessionLog(builder.Configuration);
        builder.Services.AddSocksDataPath(builder.Configuration);
        builder.Services.AddNodeAdmin(builder.Configuration);
        builder.Services.AddNodeCluster(builder.Configuration);

        // The data plane: listeners, sessions and relays, in a local actor system that outlives the cluster's.
        builder.Services.AddAkka(ActorSystemName, (akka, _) => akka
            .ConfigureLoggers(UseLoggerFactory)
            .AddDrainOnStop()
            .AddSessionsActor()
            .AddSocksListeners());

        // The cluster (membership, policy replica, advertisement) in a system of its own, made again on a rejoin.
        builder.Services.AddClusterIncarnations(ActorSystemName, (akka, services, firstJoin) => akka
            .ConfigureLoggers(UseLoggerFactory)
            .AddNodeCluster(services, firstJoin)
            .AddDrainOnStop()
            .AddNodeAdvertiser());
        return builder;
    }

    private static void UseLoggerFactory(LoggerConfigBuilder loggers)
    {
        loggers.ClearLoggers();
        loggers.AddLoggerFactory();
    }
}
