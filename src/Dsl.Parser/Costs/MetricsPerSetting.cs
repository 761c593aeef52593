namespace Dsl.Parser.Costs;

/// <summary>Figures that methods with several settings give per setting (<see cref="CostMetric.At"/>): MultiQuant's bit-widths, a dynamic network's widths.</summary>
public static class MetricsPerSetting
{
    /// <summary>MACs at a setting; a layer the setting does not change runs the same at every one.</summary>
    public static CostMetric Macs { get; } = new("macs", "MACs", "Macs", "MACs per image",
        "Multiply-accumulates per sample.", Whole: true, Unmarked: l => l.Macs);
}
