namespace Farm.Bench.Soak;

/// <summary>A tick that ends a loop quietly when the run is over.</summary>
public static class PeriodicTimerExtensions
{
    /// <summary>True at the next tick; false once <paramref name="ct"/> is cancelled (never throws for it).</summary>
    public static async Task<bool> TickOrStopAsync(this PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
