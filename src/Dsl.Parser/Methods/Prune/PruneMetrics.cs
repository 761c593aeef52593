using System;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>What @prune adds to the cost report: the parameters left nonzero.</summary>
public static class PruneMetrics
{
    public static CostMetric NonzeroWeights { get; } = new("nonzero", "nonzero", "NonzeroParameters", "nonzero parameters",
        "Trainable parameters left nonzero by @prune (a layer it does not reach counts all of its own).", Whole: true, Unmarked: l => l.Params,
        Footnote: r => $"pruned: {CostText.Group((long)Math.Round(r.Total(NonzeroWeights!)))} of {CostText.Group(r.Params)} parameters nonzero " +
            $"({(r.Total(NonzeroWeights!) / r.Params).ToString("P1", System.Globalization.CultureInfo.InvariantCulture)})");

    /// <summary>
    /// The weights a layer prunes: round(amount·n) of its n weights, n its parameters less one
    /// bias per output channel (a convolution's channels, a linear's features).
    /// </summary>
    public static long Pruned(LayerCost cost, double amount, LayerContext layer)
    {
        var biases = layer.Args.Scalar("bias")!.AsBool ? layer.Spec.Weights(cost.Output, layer.Args)!.Channels : 0;
        return (long)Math.Round(amount * (cost.Params - biases), MidpointRounding.AwayFromZero);
    }
}
