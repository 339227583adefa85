namespace Farm.IntegrationTests.Support;

/// <summary>GETs from the members' admin and telemetry endpoints.</summary>
public static class Http
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static Task<string> GetAsync(string url) => Client.GetStringAsync(new Uri(url));

    public static async Task<string> PostJsonAsync(string url, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri(url), content);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new HttpRequestException($"POST {url}: {(int)response.StatusCode} {body}");
    }
}
