using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;

namespace Dsl.Parser.Methods;

/// <summary>
/// Counting a low bit-width layer (@quant, @binarize): its MACs cost b_w·b_a bit operations
/// each. An attention layer's Q·Kᵀ and A·V products multiply two activations, so they count
/// b_a·b_a, and only when its attention matrix is low-bit too; otherwise they stay full
/// precision. A side left at 32 bits keeps the layer in full precision.
/// </summary>
internal static class LowBitCost
{
    public static LayerCost Apply(LayerCost cost, LayerContext layer, int weightBits, int activationBits, bool attentionMatrix)
    {
        var bits = $"W{weightBits}A{activationBits}";
        if (weightBits >= 32 || activationBits >= 32) return cost with { Bits = bits };
        // Attention's Q·Kᵀ and A·V multiply activations; the rest of its MACs are its linears.
        var products = layer.ActivationProducts;
        var linear = cost.Macs - products;
        var lowBit = linear + (attentionMatrix ? products : 0);
        var bops = linear * weightBits * activationBits + (attentionMatrix ? products * activationBits * activationBits : 0);
        return (cost with { Bits = bits }).With(LowBitMetrics.Bops, bops).With(LowBitMetrics.Ops, cost.Macs - lowBit + bops / 64.0);
    }

    /// <summary>
    /// The layer's stored weight bits: its weight layers' entries at <paramref name="weightBits"/>,
    /// every other parameter (biases, steps, scales) at 32. Full-precision weights leave the
    /// figure unset, as they leave BOPs, so a model without low-bit weights reports none.
    /// </summary>
    public static LayerCost Stored(LayerCost cost, LayerContext layer, long weightBits)
    {
        if (weightBits >= 32) return cost;
        var weights = layer.Weights!.Sizes.Sum();
        return cost.With(LowBitMetrics.WeightBits, weights * weightBits + 32.0 * (cost.Params - weights));
    }

    /// <summary>The checks every bit-width argument shares; null when fine.</summary>
    public static string? CheckBits(long bits, string name) => bits switch
    {
        16 or 32 => $"{name}: {bits} is full precision, which @quant does not simulate; leave the layer unannotated or exempt it with @exempt(quant)",
        1 => $"{name}: 1 bit is binarization; use @binarize",
        < 2 or > 8 => $"{name} must be between 2 and 8 bits but is {bits}",
        _ => null,
    };

    public static IReadOnlyList<string> Families { get; } = new[] { "attention", "conv", "linear" };
}
