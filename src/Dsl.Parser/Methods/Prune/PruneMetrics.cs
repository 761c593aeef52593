using System;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;

namespace Dsl.Parser.Methods;

/// <summary>What @prune adds to the cost report: the parameters left nonzero.</summary>
public static class PruneMetrics
{
    public static CostMetric NonzeroWeights { get; } = new("nonzero", "nonzero", "NonzeroParameters", "nonzero parameters",
        "Trainable parameters left nonzero by @prune or @sparse (a layer they do not reach counts all of its own).", Whole: true, Unmarked: l => l.Params,
        Footnote: r => $"pruned: {CostText.Group((long)Math.Round(r.Total(NonzeroWeights!)))} of {CostText.Group(r.Params)} parameters nonzero " +
            $"({(r.Total(NonzeroWeights!) / r.Params).ToString("P1", System.Globalization.CultureInfo.InvariantCulture)})");

    /// <summary>
    /// The weights a layer prunes: round(amount·n), halves away from zero, of each weight layer's
    /// n weights (an MLP rounds fc1 and fc2 apart, as the runtime masks them); biases stay.
    /// </summary>
    public static long Pruned(double amount, LayerContext layer) =>
        layer.Weights!.Sizes.Sum(n => (long)Math.Round(amount * n, MidpointRounding.AwayFromZero));
}
