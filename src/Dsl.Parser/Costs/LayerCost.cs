using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Costs;

/// <summary>
/// The cost of one layer for one sample: multiply-accumulates and trainable parameters, as
/// LANGUAGE.md counts them, after any compression annotation adjusted them (see Notes). Of the
/// MACs, <see cref="LowBitMacs"/> run at low bit-width and cost <see cref="Bops"/> bit
/// operations (b_w·b_a each); <see cref="Bits"/> says which, as W4A4.
/// </summary>
public sealed record LayerCost(
    string Path,
    string Layer,
    Shape Output,
    long Macs,
    long Params,
    IReadOnlyList<AppliedAnnotation> Annotations,
    IReadOnlyList<string> Notes,
    long LowBitMacs = 0,
    long Bops = 0,
    string? Bits = null)
{
    /// <summary>The binary-network literature's operations: BOPs/64 plus the full-precision MACs.</summary>
    public double Ops => Macs - LowBitMacs + Bops / 64.0;
}

/// <summary>A model's per-layer costs and totals, for its default constructor arguments.</summary>
public sealed record CostReport(string Model, Shape Input, Shape Output, IReadOnlyList<LayerCost> Layers)
{
    public long Macs => Layers.Sum(l => l.Macs);

    public long Params => Layers.Sum(l => l.Params);

    /// <summary>Bit operations of the low bit-width layers.</summary>
    public long Bops => Layers.Sum(l => l.Bops);

    /// <summary>OPs = BOPs/64 + the MACs left in full precision; equals <see cref="Macs"/> without low-bit layers.</summary>
    public double Ops => Layers.Sum(l => l.Ops);
}
