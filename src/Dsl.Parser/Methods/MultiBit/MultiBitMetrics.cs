using Dsl.Parser.Costs;

namespace Dsl.Parser.Methods;

/// <summary>
/// What @multibit adds to the cost report: the weights' stored bits, and at each width
/// (<see cref="CostMetric.At"/>, settings b2 … b8) its MACs and BOPs.
/// </summary>
public static class MultiBitMetrics
{
    public static CostMetric WeightBits { get; } = new("weight_bits", null, "WeightBits", "stored weight bits",
        "Bits the weights take stored: every branch's 2-bit weights (a switching network keeps its full-precision weights, 32 bits), the rest at 32 bits.",
        Whole: true, Unmarked: l => 32.0 * l.Params);

    /// <summary>MACs at a width; a layer outside the body runs the same at every width.</summary>
    public static CostMetric Macs { get; } = new("macs", "MACs", "Macs", "MACs per image",
        "Multiply-accumulates per sample.", Whole: true, Unmarked: l => l.Macs);

    /// <summary>The setting a width's figures go under: b4.</summary>
    public static string Setting(long bits) => $"b{bits}";
}
