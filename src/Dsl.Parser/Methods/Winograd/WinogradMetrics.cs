using Dsl.Parser.Costs;

namespace Dsl.Parser.Methods;

/// <summary>
/// What @winograd adds to the cost report: the multiplications per sample, the Winograd-domain
/// element-wise products (tiles·C_out·C_in·kept positions) where a layer computes in the
/// Winograd domain, its direct MACs elsewhere.
/// </summary>
public static class WinogradMetrics
{
    public static CostMetric Multiplications { get; } = new("winograd_mults", "Winograd mults", "WinogradMultiplications", "multiplications per image",
        "Multiplications per sample: a Winograd layer's element-wise products over the positions it keeps (the transforms' additions are not counted), every other layer's MACs.",
        Whole: true, Unmarked: l => l.Macs);
}
