namespace Farm.Bench.Report;

/// <summary>One row of the table: the median over rounds of one metric of one scenario.</summary>
public sealed record Figure(string Label, string Scenario, string Metric, string Unit, string Format);
