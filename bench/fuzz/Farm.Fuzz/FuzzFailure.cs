namespace Farm.Fuzz;

/// <summary>A parser broke its own contract on some input: thrown so that afl records the input as a crash.</summary>
internal sealed class FuzzFailure(string message) : Exception(message);
