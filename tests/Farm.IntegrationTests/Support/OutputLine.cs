namespace Farm.IntegrationTests.Support;

/// <summary>One line a member wrote, stamped when the harness read it (test stopwatch time).</summary>
public sealed record OutputLine(TimeSpan At, string Text);
