using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Dsl.Parser.Costs;

namespace Dsl.Parser.Semantics;

/// <summary>
/// The largest integer the language accepts anywhere: a literal, a size, a dimension, a layer's
/// or a model's MACs, parameters or bit operations. 2^53 − 1 is the largest integer a double
/// holds exactly, which is how values are folded, and the largest a JSON reader in JavaScript
/// reads exactly; any real network is many orders of magnitude below it.
/// </summary>
public static class Limits
{
    public const long MaxInteger = 9_007_199_254_740_991;

    public static string MaxText => MaxInteger.ToString("N0", CultureInfo.InvariantCulture) + " (2^53 − 1)";

    public static bool Fits(double value) => value >= -MaxInteger && value <= MaxInteger;

    /// <summary>The first figure of a layer's result past the limit ("MACs 1.2e19"), or null.</summary>
    public static string? Excess(Shape output, long macs, long parameters)
    {
        if (output.Dims.FirstOrDefault(d => !d.IsBatch && d.Value > MaxInteger) is { } dim) return $"a dimension of {dim.Value}";
        var elements = output.Dims.Where(d => !d.IsBatch).Aggregate(1.0, (a, d) => a * d.Value);
        if (elements > MaxInteger) return $"{elements:0.###e0} elements per sample";
        if (macs > MaxInteger) return $"{macs:N0} MACs";
        if (parameters > MaxInteger) return $"{parameters:N0} parameters";
        return null;
    }

    /// <summary>The first of a model's totals past the limit ("MACs", or a method's metric), or null.</summary>
    public static string? Excess(IReadOnlyList<LayerCost> layers, IEnumerable<CostMetric> metrics)
    {
        double macs = 0, parameters = 0;
        foreach (var layer in layers)
        {
            macs += layer.Macs;
            parameters += layer.Params;
        }
        if (macs > MaxInteger) return $"{macs:0.###e0} MACs";
        if (parameters > MaxInteger) return $"{parameters:0.###e0} parameters";
        foreach (var metric in metrics)
        {
            var total = layers.Sum(l => l.Metric(metric));
            if (total > MaxInteger) return $"{total:0.###e0} {metric.Column ?? metric.ConstantName}";
        }
        return null;
    }
}
