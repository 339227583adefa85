namespace Farm.IntegrationTests;

/// <summary>Policies the tests apply: loopback clients may reach the test server, or (blocked) may not.</summary>
public static class FarmPolicies
{
    public static string Allow(int serverPort, int revision = 0) =>
        $"""
        # revision {revision}
        client pass from 127.0.0.0/8 name loopback-clients
        block any to any port 9110, 9464 name farm-ports
        pass connect from 127.0.0.0/8 to 127.0.0.1 port {serverPort} name test-server
        """ + "\n";

    public static string Block(int serverPort, int revision = 0) =>
        $"""
        # revision {revision}
        client pass from 127.0.0.0/8 name loopback-clients
        block connect to 127.0.0.1 port {serverPort} name test-server-blocked
        pass connect from 127.0.0.0/8 to 127.0.0.0/8 name loopback
        """ + "\n";

    /// <summary>Does not parse: line 3 has an unknown statement.</summary>
    public const string Invalid = "client pass from 127.0.0.0/8\npass connect to any\nallow everything please\n";
}
