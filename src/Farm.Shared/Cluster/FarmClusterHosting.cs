using System.Diagnostics.Metrics;
using System.Globalization;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Farm.Shared.Cluster.Downing;
using Farm.Shared.Cluster.Tls;
using Farm.Shared.Discovery.Signing;
using Farm.Shared.Health;
using Farm.Shared.Listening;
using Farm.Shared.Replication;
using Farm.Shared.Replication.Floor;
using Farm.Shared.Replication.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Farm.Shared.Cluster;

/// <summary>What every member (lighthouse or node) wires: options, remoting, clustering, DistributedData, readiness.</summary>
public static partial class FarmClusterHosting
{
    /// <summary>How often a member's replicator tells its local subscribers what changed.</summary>
    public static readonly TimeSpan SubscriberNotifyInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a peer's remoting address has to finish a TLS handshake before Akka may dial it.</summary>
    public static readonly TimeSpan PeerProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a lost member's remoting port has to accept or refuse a connect.</summary>
    public static readonly TimeSpan DeadMemberProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Binds <c>Farm:Cluster</c> (plus the classic variables) and registers readiness and the policy applier.</summary>
    /// <param name="defaultPort">The role's remoting port when <c>Farm:Cluster:Port</c> is not set.</param>
    /// <param name="role">The role this member joins with; its certificate must name it.</param>
    /// <param name="tlsWhenStandalone">Whether TLS is on by default without seeds (a lighthouse: others dial it).</param>
    public static IServiceCollection AddFarmClusterMember(this IServiceCollection services, IConfiguration configuration, string role, int defaultPort, bool tlsWhenStandalone = false)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FarmClusterOptions>>().Value;
            return ClusterTls.Decide(options, role, tlsWhenStandalone, Path.GetFullPath(options.EffectiveDataDirectory(role, options.Port ?? defaultPort)));
        });
        services.AddSingleton<PresentedCertificates>();

        // A node without seeds or certificates runs on a private CA that names no address, and no member can join it.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FarmClusterOptions>>().Value is { IsStandalone: true } options && string.IsNullOrWhiteSpace(options.Tls.Certificate)
            ? AdvertisementTrust.Off
            : new AdvertisementTrust(sp.GetRequiredService<ClusterTls>().Material));
        services.AddSingleton<TrustedAdvertisements>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FarmClusterOptions>>().Value;
            return new PolicyFloorStore(Path.GetFullPath(options.EffectiveDataDirectory(role, options.Port ?? defaultPort)));
        });
        services.AddSingleton(sp => new PolicyTrust(sp.GetRequiredService<ClusterTls>().Material, sp.GetRequiredService<IOptions<FarmClusterOptions>>().Value.IsStandalone));
        services.AddSingleton(sp => new OutboundPeerCheck(
            new PeerCertificateProbe(sp.GetRequiredService<ClusterTls>().Material ?? throw new InvalidOperationException("cluster TLS is off: no peer check"), PeerProbeTimeout),
            sp.GetRequiredService<ILogger<OutboundPeerCheck>>(),
            sp.GetService<IMeterFactory>()));
        services.Configure<FarmClusterOptions>(configuration.GetSection(FarmClusterOptions.Section));
        services.PostConfigure<FarmClusterOptions>(o => o.ApplyClassicEnvironment(Environment.GetEnvironmentVariable));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MemberReadiness>();
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<MemberReadiness>());
        services.TryAddSingleton<IClusterSystem>(sp => new FixedClusterSystem(sp.GetRequiredService<Akka.Actor.ActorSystem>()));
        services.AddSingleton(sp => new PolicyApplier(sp.GetRequiredService<IClusterSystem>(), sp.GetRequiredService<PolicyTrust>()));
        services.AddPlannedListeners(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FarmClusterOptions>>().Value;
            return System.Net.IPAddress.TryParse(options.Hostname, out var address)
                ? [new PlannedListener("remoting", new System.Net.IPEndPoint(address, options.Port ?? defaultPort))]
                : [];
        });
        return services;
    }

    /// <summary>One line naming the TLS setting that keeps this member from starting, or null.</summary>
    public static string? FindClusterTlsProblem(this IServiceProvider services) =>
        services.GetRequiredService<ClusterTls>().Problem;

    /// <summary>
    /// Joins the cluster with <paramref name="role"/>: the configured seeds, or this member alone when
    /// there are none. DistributedData keeps the policy durable in the member's data directory.
    /// </summary>
    public static AkkaConfigurationBuilder WithFarmCluster(this AkkaConfigurationBuilder builder, IServiceProvider services, string role, int defaultPort)
    {
        var options = services.GetRequiredService<IOptions<FarmClusterOptions>>().Value;
        var port = options.Port ?? defaultPort;
        var tls = services.GetRequiredService<ClusterTls>();
        if (tls.Problem is { } problem)
        {
            throw new ClusterTlsException(problem);
        }

        var remoting = new RemoteOptions
        {
            HostName = options.Hostname,
            PublicHostName = options.AdvertisedHostname,
            Port = port,
        };
        if (!tls.Enabled)
        {
            LogPlainRemoting(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FarmClusterHosting)), ClusterTlsOptions.Section);
        }

        if (tls.Material is { } material)
        {
            remoting.EnableSsl = true;
            remoting.Ssl = new SslOptions
            {
                X509Certificate = material.Certificate,
                RequireMutualAuthentication = true,
                SuppressValidation = false,
                ValidateCertificateHostname = false,
                CustomValidator = FarmCertificateValidator.For(material.Authority, services.GetRequiredService<PresentedCertificates>()),
            };
        }

        builder
            .AddHocon(MemberConfig(options, options.EffectiveDataDirectory(role, port)), HoconAddMode.Prepend)
            .WithRemoting(remoting)
            .WithClustering(new ClusterOptions { Roles = [role], SeedNodes = [.. options.SeedsFor(tls.Enabled)] })
            .AddMembershipLog();
        if (options.SplitBrain.DownRefusedAfter > TimeSpan.Zero)
        {
            var meters = services.GetService<IMeterFactory>();
            builder.WithActors((system, _) => system.ActorOf(DeadMemberDowner.Props(new RemotingPortProbe(DeadMemberProbeTimeout), options.SplitBrain.DownRefusedAfter, meters), "dead-member-downer"));
        }
        if (tls.Material is not null)
        {
            var check = services.GetRequiredService<OutboundPeerCheck>();
            builder
                .AddSetup(new PeerCheckSetup(check, services.GetRequiredService<PresentedCertificates>()))
                .AddHocon(PeerCheckConfig, HoconAddMode.Prepend)
                .WithActors((system, _) => system.ActorOf(MemberRoleCheckActor.Props(check), "member-role-check"));
        }

        if (options.IsStandalone)
        {
            // Joining by code rather than listing itself as seed also works with port 0 (tests).
            builder.WithActors((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        }

        return builder;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Section}:Enabled is false: remoting runs in clear without authentication; any process that reaches this member's remoting port or a seed's can join the farm and write its policy. Use it only to measure a farm on a network no one else reaches")]
    private static partial void LogPlainRemoting(ILogger logger, string section);

    /// <summary>The file in which this member keeps the farm's policy, whether or not it exists yet.</summary>
    public static string StoredPolicyPath(FarmClusterOptions options, string role, int defaultPort) =>
        Path.Combine(Path.GetFullPath(options.EffectiveDataDirectory(role, options.Port ?? defaultPort)), DurableFileDirectory.FileNameFor(PolicyEnvelope.Key.Id));

    // Every outbound association first passes OutboundPeerCheck (PeerCheckingTransport says why).
    internal static readonly Config PeerCheckConfig = ConfigurationFactory.ParseString($$"""
        akka.remote.adapters.{{PeerCheckingTransportProvider.Name}} = "{{typeof(PeerCheckingTransportProvider).FullName}},{{typeof(PeerCheckingTransportProvider).Assembly.GetName().Name}}"
        akka.remote.dot-netty.tcp.applied-adapters = [{{PeerCheckingTransportProvider.Name}}]
        """);

    // Distributed Data reads each value in the serializer its sender names; JSON from another member is refused.
    private const string RefuseJson = """
        akka.actor.serializers.json = "Farm.Shared.Cluster.Tls.RefusingJsonSerializer, Farm.Shared"
        akka.actor.serialization-identifiers { "Farm.Shared.Cluster.Tls.RefusingJsonSerializer, Farm.Shared" = 1 }
        """;

    private static Config MemberConfig(FarmClusterOptions options, string dataDirectory)
    {
        static string Duration(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

        var sbr = options.SplitBrain;
        var detector = options.FailureDetection;
        var hocon = $$"""
            # Akka's Linux default sets SO_REUSEPORT, with which a second member binds the same port and
            # the kernel splits connections between them (issue 16); off makes that bind fail.
            akka.remote.dot-netty.tcp.tcp-reuse-addr = off
            akka.actor.serialize-messages = {{(options.SerializeMessages ? "on" : "off")}}
            {{RefuseJson}}
            akka.cluster {
              downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
              # Unset, Akka waits StableAfter again after a removal before singletons move (SplitBrainOptions says why less is safe).
              down-removal-margin = {{Duration(sbr.RemovalMargin)}}
              # Policy writes wait for the proxy to find a moved arbiter: look every 250 ms, not every second.
              singleton-proxy.singleton-identification-interval = 250ms
              split-brain-resolver {
                active-strategy = {{sbr.Strategy}}
                stable-after = {{Duration(sbr.StableAfter)}}
                static-quorum.quorum-size = {{sbr.QuorumSize}}
              }
              {{(detector.HeartbeatInterval is { } interval ? $"failure-detector.heartbeat-interval = {Duration(interval)}" : string.Empty)}}
              {{(detector.AcceptableHeartbeatPause is { } pause ? $"failure-detector.acceptable-heartbeat-pause = {Duration(pause)}" : string.Empty)}}
              distributed-data {
                # WriteMajority reaches only a majority directly; the others learn a new policy by gossip
                # and every subscriber is told in batches. The defaults (2 s and 500 ms) would miss the
                # farm's one-second convergence goal, and the farm's few small keys make gossip cheap.
                gossip-interval = 200ms
                notify-subscribers-interval = {{Duration(SubscriberNotifyInterval)}}
              }
            }
            """;
        return ConfigurationFactory.ParseString(hocon)
            .WithFallback(FileDurableStoreActor.ConfigFor(dataDirectory, PolicyEnvelope.Key.Id))
            .WithFallback(FarmSerialization.Config);
    }
}
