using System;

namespace Dsl.Parser.Costs;

/// <summary>
/// A figure a method adds to every cost report beside MACs and parameters (BOPs, OPs, density,
/// ...): its key in the JSON and in <see cref="LayerCost.Metrics"/>, the column it takes in
/// <c>cmodel cost</c> (null: totals only), the generated constant that carries the model's total
/// and the label the runtime prints it under. A layer the method did not touch counts
/// <see cref="Unmarked"/> (0 BOPs; OPs equal to its MACs). Totals are sums over layers.
/// </summary>
/// <param name="Whole">A count (a long constant, grouped digits) rather than a real number.</param>
/// <param name="Footnote">A line under the table explaining the total, or null.</param>
public sealed record CostMetric(
    string Key,
    string? Column,
    string ConstantName,
    string Label,
    string Summary,
    bool Whole,
    Func<LayerCost, double> Unmarked,
    Func<CostReport, string>? Footnote = null);
