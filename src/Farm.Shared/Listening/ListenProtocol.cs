namespace Farm.Shared.Listening;

public enum ListenProtocol
{
    Tcp,
    Udp,
}
