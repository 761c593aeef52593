using System.Collections.Generic;
using System.Globalization;
using Dsl.Parser.Costs;

namespace Dsl.Parser.Methods;

/// <summary>
/// What low bit-width methods (@quant, @binarize) add to the cost report: BOPs, b_w·b_a per
/// multiply-accumulate of their layers, and OPs as binary-network papers count them, BOPs/64
/// plus the MACs left in full precision.
/// </summary>
public static class LowBitMetrics
{
    public static CostMetric Bops { get; } = new("bops", "BOPs", "Bops", "BOPs per image",
        "Bit operations of the low bit-width layers (b_w·b_a per multiply-accumulate), per sample.", Whole: true, Unmarked: _ => 0,
        Footnote: r => $"low bit-width: {Scale(r.Total(Bops!), "BOPs")}");

    public static CostMetric Ops { get; } = new("ops", null, "Operations", "OPs per image (BOPs/64 + MACs)",
        "Operations per sample as binary-network papers count them: BOPs/64 plus the full-precision MACs.", Whole: false, Unmarked: l => l.Macs,
        Footnote: r => $"OPs = BOPs/64 + full-precision MACs = {Scale(r.Total(Ops!), "OPs")} " +
            $"({(r.Macs / r.Total(Ops!)).ToString("0.0", CultureInfo.InvariantCulture)}× fewer than the full-precision model's MACs)");

    public static CostMetric WeightBits { get; } = new("weight_bits", null, "WeightBits", "stored weight bits",
        "Bits the weights take stored: a low bit-width layer's weights at their bits (every branch's for @multibit; full-precision latent weights re-quantized at run time count 32), every other parameter at 32.",
        Whole: true, Unmarked: l => 32.0 * l.Params);

    public static IReadOnlyList<CostMetric> All { get; } = new[] { Bops, Ops, WeightBits };

    /// <summary>4.599 GOPs, 130 OPs.</summary>
    public static string Scale(double value, string unit) => CostText.Scaled((long)System.Math.Round(value), unit);
}
