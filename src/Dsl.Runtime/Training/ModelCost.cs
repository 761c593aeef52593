using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>
/// A model's compile-time cost (the generated Macs constant, and the figures its compression
/// methods add, such as Bops and Operations for low bit-width models) and its live parameter count.
/// </summary>
public sealed record ModelCost(long? Macs, long Parameters, IReadOnlyList<CostFigure> Metrics)
{
    /// <summary>A metric by its constant's name (Bops, Operations), or null when the model has none.</summary>
    public double? this[string name] => Metrics.FirstOrDefault(m => m.Name == name)?.Value;

    public static ModelCost Of(nn.Module model)
    {
        var fields = model.GetType().GetFields(BindingFlags.Public | BindingFlags.Static);
        var macs = fields.FirstOrDefault(f => f.Name == "Macs")?.GetValue(null) as long?;
        var metrics = fields
            .Select(f => (Field: f, Attribute: f.GetCustomAttribute<CostMetricAttribute>()))
            .Where(f => f.Attribute != null)
            .Select(f => new CostFigure(f.Field.Name, f.Attribute!.Label, System.Convert.ToDouble(f.Field.GetValue(null), System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        return new ModelCost(macs, model.parameters().Sum(p => p.numel()), metrics);
    }
}

/// <summary>One figure a method adds to a model's cost: the generated constant's name, its label, its value.</summary>
public sealed record CostFigure(string Name, string Label, double Value);
