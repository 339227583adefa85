using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>
/// Outsider review of issue 17, item 4: when the farm's policy writer does not answer, farmctl must not
/// claim the write was refused ("version N stays") after saying the version is unknown. The lighthouse,
/// which runs the writer, is frozen (SIGSTOP) while a node is asked to apply.
/// </summary>
public sealed class PolicyUnknownOutcomeTests : IAsyncLifetime
{
    private TestFarm _farm = null!;
    private string _file = null!;

    public async Task InitializeAsync()
    {
        _farm = await TestFarm.StartAsync(lighthouses: 1, nodes: 1);
        _file = Path.GetTempFileName();
        await File.WriteAllTextAsync(_file, "client pass from 10.0.0.0/8 name unknown-outcome\npass connect to any name outbound\n");
    }

    public async Task DisposeAsync()
    {
        _farm.Seed.Thaw();
        await _farm.DisposeAsync();
        File.Delete(_file);
    }

    [Fact]
    public async Task WriterSilent_ApplySaysTheOutcomeIsUnknownAndHowToCheck_NeverThatAVersionStays()
    {
        _farm.Seed.Freeze();
        var apply = await Farmctl.RunAsync(_farm.Nodes.First().Admin, "policy", "apply", _file);
        _farm.Seed.Thaw();

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("outcome unknown: the farm's policy writer did not answer within", apply.Error, StringComparison.Ordinal);
        Assert.Contains("check `farmctl policy status`", apply.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("stays", apply.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", apply.Error, StringComparison.Ordinal);
    }
}
