using System.Net.Http.Headers;

namespace Farm.Node.Tests.Support;

/// <summary>The admin token the node harnesses configure, and an HTTP client that presents it.</summary>
public static class AdminTestToken
{
    public const string Value = "node-tests-admin-token";

    public static HttpClient Client(TimeSpan timeout, Uri? baseAddress = null)
    {
        var http = new HttpClient { Timeout = timeout, BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Value);
        return http;
    }
}
