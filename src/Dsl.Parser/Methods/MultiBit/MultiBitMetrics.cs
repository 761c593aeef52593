using Dsl.Parser.Costs;

namespace Dsl.Parser.Methods;

/// <summary>
/// What @multibit adds to the cost report beside the low-bit metrics: at each width
/// (<see cref="CostMetric.At"/>, settings b2 … b8) its MACs (and BOPs, <see cref="LowBitMetrics.Bops"/> at the width).
/// </summary>
public static class MultiBitMetrics
{
    /// <summary>MACs at a width; a layer outside the body runs the same at every width.</summary>
    public static CostMetric Macs => MetricsPerSetting.Macs;

    /// <summary>The setting a width's figures go under: b4.</summary>
    public static string Setting(long bits) => $"b{bits}";
}
