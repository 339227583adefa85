using Farm.Admin;
using Farm.Lighthouse.Cluster;
using Farm.Lighthouse.Discovery;
using Farm.Lighthouse.Dns;
using Farm.Lighthouse.Telemetry;
using Farm.Shared.Cluster;
using Farm.Shared.Listening;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddLighthouseTelemetry(builder.Configuration);
builder.Services.AddLighthouse(builder.Configuration);
builder.Services.AddFarmDns(builder.Configuration);
builder.Services.AddLighthouseDiscovery(builder.Configuration);
builder.Services.AddFarmAdmin(builder.Configuration);
using var host = builder.Build();
if (host.Services.FindClusterTlsProblem() is { } tlsProblem)
{
    await Console.Error.WriteLineAsync($"farm-lighthouse: {tlsProblem}");
    return 1;
}

if (host.Services.FindPortClash() is { } clash)
{
    await Console.Error.WriteLineAsync($"farm-lighthouse: {clash}");
    return 1;
}

await host.RunAsync();
return 0;
