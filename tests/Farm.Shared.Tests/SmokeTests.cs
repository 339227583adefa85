namespace Farm.Shared.Tests;

public class SmokeTests
{
    [Fact]
    public void True_IsTrue() => Assert.True(true);
}
