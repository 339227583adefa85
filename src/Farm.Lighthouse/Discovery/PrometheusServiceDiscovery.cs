using System.Text.Json;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// The body of <c>GET /sd/prometheus</c> in Prometheus's HTTP SD format: one target group per member
/// with a metrics endpoint, labelled <c>role</c> and <c>node</c>. Unhealthy members stay listed, so
/// that Prometheus sees an unreachable or draining member until the cluster removes it; members lost
/// since then follow, labelled <c>member_state="lost"</c> (<see cref="LostScrapeTargets"/>).
/// </summary>
public static class PrometheusServiceDiscovery
{
    public const string Path = "/sd/prometheus";

    public static byte[] Render(IEnumerable<NodeAdvert> nodes, IEnumerable<LostScrapeTarget>? lost = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var node in nodes.Where(node => node.Metrics is not null))
            {
                json.WriteStartObject();
                json.WriteStartArray("targets");
                json.WriteStringValue(node.Metrics!.ToString());
                json.WriteEndArray();
                json.WriteStartObject("labels");
                json.WriteString("role", node.Role);
                json.WriteString("node", node.Name);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            foreach (var target in lost ?? [])
            {
                json.WriteStartObject();
                json.WriteStartArray("targets");
                json.WriteStringValue(target.Metrics.ToString());
                json.WriteEndArray();
                json.WriteStartObject("labels");
                json.WriteString("role", target.Role);
                json.WriteString("node", target.Name);
                json.WriteString("member_state", "lost");
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.ToArray();
    }
}
