namespace Farm.Node.Flow;

/// <summary>What a session is doing, as <c>sessions list</c> shows it (kebab-case).</summary>
public enum SessionPhase
{
    Handshake,
    Dialing,
    Binding,
    Relaying,
    UdpRelaying,
}
