using System;
using System.Collections.Generic;
using System.Linq;

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
    Func<CostReport, string>? Footnote = null)
{
    /// <summary>For a metric under one setting (<see cref="At"/>), the metric it derives from; null for a registered one.</summary>
    public CostMetric? Family { get; private init; }

    /// <summary>For a metric under one setting, the setting (w4a4, b4); null for a registered one.</summary>
    public string? Setting { get; private init; }

    /// <summary>
    /// This metric under one setting of a method that has several (MultiQuant's bit-widths, a
    /// dynamic network's widths): key <c>bops_w4a4</c>, column "BOPs w4a4", constant
    /// <c>BopsW4a4</c>. Set on a layer with <see cref="LayerCost.With"/>, it joins the report,
    /// the JSON and the generated constants of the models that have it.
    /// </summary>
    /// <param name="setting">Lower-case letters, digits and underscores, starting with a letter (w4a4, width50).</param>
    public CostMetric At(string setting)
    {
        if (setting.Length == 0 || setting[0] is not (>= 'a' and <= 'z') || !setting.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            throw new ArgumentException($"a setting is lower-case letters, digits and underscores, starting with a letter, not '{setting}'", nameof(setting));
        var pascal = string.Concat(setting.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1)));
        return this with
        {
            Key = $"{Key}_{setting}",
            Column = Column == null ? null : $"{Column} {setting}",
            ConstantName = ConstantName + pascal,
            Label = $"{Label} at {setting}",
            Summary = $"{Summary.TrimEnd('.')}, at {setting}.",
            Footnote = null,
            Family = this,
            Setting = setting,
        };
    }

    /// <summary>The registered metrics and, after them, those at a setting that some layer sets, each once by key.</summary>
    public static IReadOnlyList<CostMetric> Of(IEnumerable<LayerCost> layers, IReadOnlyList<CostMetric> registered) =>
        registered.Concat(layers.SelectMany(l => l.SettingMetrics ?? Array.Empty<CostMetric>()))
            .GroupBy(m => m.Key).Select(g => g.First()).ToList();
}
