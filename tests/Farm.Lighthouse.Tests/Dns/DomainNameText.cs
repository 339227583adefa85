using ARSoft.Tools.Net;

namespace Farm.Lighthouse.Tests.Dns;

internal static class DomainNameText
{
    /// <summary>The name as people write it, without the root's trailing dot.</summary>
    public static string Text(this DomainName name) => name.ToString().TrimEnd('.');
}
