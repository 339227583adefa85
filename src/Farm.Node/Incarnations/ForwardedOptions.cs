using Microsoft.Extensions.Options;

namespace Farm.Node.Incarnations;

/// <summary>An incarnation's options are the host's: bound and validated once, the same object every time.</summary>
internal sealed class ForwardedOptions<T>(HostServices host) : IOptions<T>
    where T : class
{
    public T Value => host.GetOptions<T>();
}
