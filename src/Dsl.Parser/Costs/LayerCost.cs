using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Costs;

/// <summary>
/// The cost of one layer for one sample: multiply-accumulates and trainable parameters, as
/// LANGUAGE.md counts them, after any compression annotation adjusted them (see Notes), and the
/// figures methods add (<see cref="Metrics"/>, by <see cref="CostMetric.Key"/>); <see cref="Bits"/>
/// says which precision a low bit-width method runs the layer at, as W4A4.
/// </summary>
public sealed record LayerCost(
    string Path,
    string Layer,
    Shape Output,
    long Macs,
    long Params,
    IReadOnlyList<AppliedAnnotation> Annotations,
    IReadOnlyList<string> Notes,
    string? Bits = null,
    IReadOnlyDictionary<string, double>? Metrics = null)
{
    /// <summary>The metrics at a setting (<see cref="CostMetric.At"/>) set on this layer, which a report lists after the registered ones.</summary>
    public IReadOnlyList<CostMetric>? SettingMetrics { get; init; }

    /// <summary>This layer's value of <paramref name="metric"/>: what a method set, or the metric's unmarked value.</summary>
    public double Metric(CostMetric metric) => Metrics != null && Metrics.TryGetValue(metric.Key, out var v) ? v : metric.Unmarked(this);

    /// <summary>A copy with <paramref name="metric"/> set to <paramref name="value"/>.</summary>
    public LayerCost With(CostMetric metric, double value)
    {
        var metrics = Metrics == null ? new Dictionary<string, double>() : new Dictionary<string, double>(Metrics.ToDictionary(p => p.Key, p => p.Value));
        metrics[metric.Key] = value;
        // A report lists each metric once by key (CostMetric.Of), so setting one twice adds nothing.
        var settings = metric.Family == null ? SettingMetrics : (SettingMetrics ?? new CostMetric[0]).Append(metric).ToList();
        return this with { Metrics = metrics, SettingMetrics = settings };
    }
}

/// <summary>
/// A model's per-layer costs and totals, for its default constructor arguments, with the
/// metrics of every registered method (<see cref="Metrics"/>).
/// </summary>
public sealed record CostReport(string Model, Shape Input, Shape Output, IReadOnlyList<LayerCost> Layers, IReadOnlyList<CostMetric> Metrics)
{
    /// <summary>The shapes of a model's inputs when it has several, in order (<see cref="Input"/> is the first); none for one input.</summary>
    public IReadOnlyList<NamedShape> NamedInputs { get; init; } = new NamedShape[0];

    /// <summary>The shapes of a model's named outputs, in order (none for one unnamed output; <see cref="Output"/> is the first).</summary>
    public IReadOnlyList<NamedShape> NamedOutputs { get; init; } = new NamedShape[0];

    /// <summary>The shapes of its named features.</summary>
    public IReadOnlyList<NamedShape> Features { get; init; } = new NamedShape[0];

    public long Macs => Layers.Sum(l => l.Macs);

    public long Params => Layers.Sum(l => l.Params);

    /// <summary>The model's total of <paramref name="metric"/>.</summary>
    public double Total(CostMetric metric) => Layers.Sum(l => l.Metric(metric));

    /// <summary>Whether a method set <paramref name="metric"/> on any layer (a full-precision model has no BOPs to report).</summary>
    public bool Reports(CostMetric metric) => Layers.Any(l => l.Metrics?.ContainsKey(metric.Key) == true);

    /// <summary>The registered metrics, then those at a setting that a layer of this model has (<see cref="CostMetric.At"/>).</summary>
    public IReadOnlyList<CostMetric> AllMetrics => CostMetric.Of(Layers, Metrics);

    /// <summary>The metrics a method set on some layer, in registration order, then those at a setting.</summary>
    public IEnumerable<CostMetric> Reported => AllMetrics.Where(Reports);

    /// <summary>The settings some layer reports metrics at (MultiQuant's b2 … b8), each with its metrics, in the order they were met.</summary>
    public IReadOnlyList<SettingMetrics> Settings =>
        AllMetrics.Where(m => m.Setting != null).GroupBy(m => m.Setting!).Select(g => new SettingMetrics(g.Key, g.ToList())).ToList();
}

/// <summary>The metrics at one setting (b4: MACs at b4, BOPs at b4).</summary>
public sealed record SettingMetrics(string Setting, IReadOnlyList<CostMetric> Metrics);

/// <summary>A named output's or feature's shape.</summary>
public sealed record NamedShape(string Name, Shape Shape);
