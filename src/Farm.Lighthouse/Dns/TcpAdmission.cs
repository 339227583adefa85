namespace Farm.Lighthouse.Dns;

/// <summary>Whether one more DNS-over-TCP connection fits the caps of <see cref="DnsTcpOptions"/>.</summary>
public enum TcpAdmission
{
    Admitted,
    OverConnectionCap,
    OverSourceCap,
}
