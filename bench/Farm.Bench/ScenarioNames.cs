namespace Farm.Bench;

public static class ScenarioNames
{
    public const string Bulk1Up = "bulk-1-up";
    public const string Bulk1Down = "bulk-1-down";
    public const string Bulk16Up = "bulk-16-up";
    public const string Bulk16Down = "bulk-16-down";
    public const string ConnectRate = "connect-rate";
    public const string PingPong = "ping-pong";
    public const string CpuPerGb = "cpu-per-gb";
    public const string IdlePrefix = "idle-";

    public static readonly string[] Bulk = [Bulk1Up, Bulk1Down, Bulk16Up, Bulk16Down];

    public static string Idle(int sessions) => IdlePrefix + sessions;
}
