namespace Farm.IntegrationTests.Support;

/// <summary>GETs from the members' admin and telemetry endpoints.</summary>
public static class Http
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static Task<string> GetAsync(string url) => Client.GetStringAsync(new Uri(url));

    /// <summary>GETs from an admin endpoint with its bearer token.</summary>
    public static async Task<string> GetAdminAsync(string url, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new HttpRequestException($"GET {url}: {(int)response.StatusCode} {body}");
    }

    /// <summary>POSTs JSON to an admin endpoint with its bearer token.</summary>
    public static async Task<string> PostJsonAsync(string url, string json, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new HttpRequestException($"POST {url}: {(int)response.StatusCode} {body}");
    }
}
