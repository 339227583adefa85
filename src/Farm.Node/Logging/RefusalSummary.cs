namespace Farm.Node.Logging;

/// <summary><paramref name="Suppressed"/> more clients refused from <paramref name="Source"/> in the interval from <paramref name="From"/> that got no record of their own.</summary>
public sealed record RefusalSummary(string Source, string Listener, int Suppressed, DateTimeOffset From, TimeSpan Interval)
{
    /// <summary>The outcome of a summary record.</summary>
    public const string Outcome = "refusals-summarised";

    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Suppressed} more refused from {Source} in {Interval.TotalSeconds:0.0} s");
}
