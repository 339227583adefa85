using System.Diagnostics;
using System.Text.Json;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// <c>POST /policy/apply</c> on a member's admin API, as farmctl sends it, again after every failed or
/// overlong attempt: an operator re-running the apply while the farm's policy writer moves.
/// </summary>
public static class PolicyApply
{
    /// <summary>The time from <paramref name="since"/> to the first attempt that succeeded, and the attempts it took; null when none did before <paramref name="giveUp"/>.</summary>
    public static async Task<(TimeSpan At, int Attempts, string Last)> UntilAppliedAsync(string adminUrl, string token, string text, Stopwatch since, TimeSpan giveUp, TimeSpan attempt, Action<string> log)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = text, ["author"] = "test" });
        var attempts = 0;
        var last = "no attempt";
        while (since.Elapsed < giveUp)
        {
            attempts++;
            using var http = new HttpClient { Timeout = attempt };
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(adminUrl + "/policy/apply"))
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            try
            {
                using var response = await http.SendAsync(request);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.IsSuccessStatusCode)
                {
                    return (since.Elapsed, attempts, last);
                }
            }
            catch (TaskCanceledException)
            {
                last = $"no answer within {attempt.TotalSeconds} s";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            log($"apply attempt {attempts} at {since.ElapsedMilliseconds} ms: {last}");
            await Task.Delay(100);
        }

        throw new TimeoutException($"no policy apply through {adminUrl} succeeded within {giveUp.TotalSeconds} s; last: {last}");
    }
}
