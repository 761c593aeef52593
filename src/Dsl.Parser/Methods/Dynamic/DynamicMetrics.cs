using Dsl.Parser.Costs;

namespace Dsl.Parser.Methods;

/// <summary>
/// What @dynamic adds to the cost report: MACs at each width (<see cref="MetricsPerSetting.Macs"/>
/// under w25, w50, ...), and the MACs of a routed patch, the mean over the widths (routing puts
/// equal shares of an image's patches at each width).
/// </summary>
public static class DynamicMetrics
{
    public static CostMetric RoutedMacs { get; } = new("routed_macs", null, "RoutedMacs", "MACs per routed patch",
        "Multiply-accumulates per patch when patches are routed to the widths in equal shares: the mean of the MACs at each width.",
        Whole: false, Unmarked: l => l.Macs,
        Footnote: r => $"routed: {CostText.Group((long)System.Math.Round(r.Total(RoutedMacs!)))} MACs per patch, the mean over the widths " +
            $"({(r.Total(RoutedMacs!) / r.Macs).ToString("P1", System.Globalization.CultureInfo.InvariantCulture)} of the full width's)");
}
