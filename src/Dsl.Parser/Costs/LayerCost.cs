using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Costs;

/// <summary>
/// The cost of one layer for one sample: multiply-accumulates and trainable parameters, as
/// LANGUAGE.md counts them, after any compression annotation adjusted them (see Notes).
/// </summary>
public sealed record LayerCost(
    string Path,
    string Layer,
    Shape Output,
    long Macs,
    long Params,
    IReadOnlyList<AppliedAnnotation> Annotations,
    IReadOnlyList<string> Notes);

/// <summary>A model's per-layer costs and totals, for its default constructor arguments.</summary>
public sealed record CostReport(string Model, Shape Input, Shape Output, IReadOnlyList<LayerCost> Layers)
{
    public long Macs => Layers.Sum(l => l.Macs);

    public long Params => Layers.Sum(l => l.Params);
}
