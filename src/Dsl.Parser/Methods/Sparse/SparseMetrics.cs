using System.Globalization;
using Dsl.Parser.Costs;

namespace Dsl.Parser.Methods;

/// <summary>
/// What @sparse adds to the cost report: a training step's MACs per sample (the forward
/// product, the input-gradient product and the weight-gradient product), and the MACs the
/// model would have dense, so inference and training are both compared with the dense model.
/// A layer the method does not reach trains at 3× its MACs.
/// </summary>
public static class SparseMetrics
{
    public static CostMetric TrainingMacs { get; } = new("train_macs", "train MACs", "TrainingMacs", "training MACs per image and step",
        "Multiply-accumulates of one training step per sample: forward, input gradient and weight gradient (3× the MACs of a dense layer).",
        Whole: true, Unmarked: l => 3 * l.Macs, Footnote: Summary);

    public static CostMetric DenseMacs { get; } = new("dense_macs", null, "DenseMacs", "MACs per image if dense",
        "Multiply-accumulates per sample with every weight kept (the MACs of the same model without @sparse).", Whole: true, Unmarked: l => l.Macs);

    private static string Summary(CostReport r)
    {
        var dense = r.Total(DenseMacs);
        string Ratio(double part, double whole) => (part / whole).ToString("0.00", CultureInfo.InvariantCulture);
        return $"N:M sparse: inference {CostText.Scaled(r.Macs, "MACs")} (dense {CostText.Scaled((long)dense, "MACs")}, ×{Ratio(r.Macs, dense)}); " +
            $"training {CostText.Scaled((long)r.Total(TrainingMacs), "MACs")} per step (dense {CostText.Scaled((long)(3 * dense), "MACs")}, ×{Ratio(r.Total(TrainingMacs), 3 * dense)})";
    }
}
