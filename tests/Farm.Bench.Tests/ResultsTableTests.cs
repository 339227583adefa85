using Farm.Bench.Report;
using Farm.Bench.Scenarios;

namespace Farm.Bench.Tests;

public sealed class ResultsTableTests
{
    private static ScenarioResult Connect(int round, string target, double rate, string? error = null) =>
        new(round, target, ScenarioNames.ConnectRate, DateTimeOffset.UnixEpoch, new Metrics { ["conn_per_s"] = rate }, error);

    [Fact]
    public void Median_FailedRoundsLeftOut_MiddleOfTheRest()
    {
        var figure = new Figure("connections", ScenarioNames.ConnectRate, "conn_per_s", "conn/s", "F0");
        ScenarioResult[] results = [Connect(1, "dante", 10), Connect(2, "dante", 30), Connect(3, "dante", 20), Connect(4, "dante", 0, "failed")];

        Assert.Equal(20, ResultsTable.Median(results, "dante", figure));
    }

    [Fact]
    public void Render_TwoProxies_RatiosToDirectAndDante()
    {
        ScenarioResult[] results = [Connect(1, "direct", 100), Connect(1, "dante", 50), Connect(1, "farm", 100)];

        var table = ResultsTable.Render(results, ["direct", "farm", "dante"]);

        Assert.Contains("| connections | conn/s | 100 | 100 | x1.00 | x2.00 | 50 | x0.50 |", table);
    }
}
