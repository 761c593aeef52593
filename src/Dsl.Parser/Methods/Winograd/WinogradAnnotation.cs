using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// Low-rank Winograd 3D convolution (@winograd): a stride-1 3×3×3 conv3d computed as F(tile, 3)
/// in each dimension, its transformed weight U trained directly (<c>mode: direct_winograd</c>,
/// α³ values per channel pair) or as U = P·Q of <c>rank</c> R (<c>lowrank</c>, default), and
/// <c>keep</c> of the α³ Winograd positions computed, the others removed by score gradually over
/// <c>prune_epochs</c>. Other layers are an error where the annotation is written on them and
/// stay direct, with a note, where they inherit it.
/// </summary>
public sealed class WinogradAnnotation : AnnotationSchema<WinogradSettings>
{
    public const string KindName = "winograd";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Int("tile", 2, min: 1),
        ParamSpec.Word("mode", "lowrank", "direct_winograd"),
        ParamSpec.Int("rank", 27, min: 1),
        new ParamSpec("keep", ArgKind.Int, Min: 1),
        ParamSpec.Int("prune_epochs", 2, min: 0),
    };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "conv" };

    public override string RuntimeFunction => "Compression.Winograd";

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => WinogradDiagnostics.All;

    public override IReadOnlyList<CostMetric> Metrics { get; } = new[] { WinogradMetrics.Multiplications };

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        var tile = args.Scalar("tile")!.AsLong;
        if (tile is not (2 or 4))
            return new($"Winograd tiles are F(2, 3) or F(4, 3), so tile is 2 or 4, not {tile}", "tile", WinogradDiagnostics.BadTile);
        var positions = (tile + 2) * (tile + 2) * (tile + 2);
        if (args.Word("mode") == "direct_winograd" && args.IsExplicit("rank"))
            return new("rank factors U = P·Q in mode: lowrank, and mode: direct_winograd trains U itself", "rank", WinogradDiagnostics.OtherModesArgument);
        if (args.Scalar("rank")!.AsLong > positions)
            return new($"U = P·Q has {positions} columns at tile: {tile} (α³), so rank runs to {positions}, not {args.Scalar("rank")!.AsLong}", "rank", WinogradDiagnostics.BeyondPositions);
        if (args.Scalar("keep") is { } keep && keep.AsLong > positions)
            return new($"tile: {tile} has {positions} Winograd positions (α³), so keep runs to {positions}, not {keep.AsLong}", "keep", WinogradDiagnostics.BeyondPositions);
        return null;
    }

    protected override WinogradSettings Bind(BoundArguments args) =>
        new(args.Scalar("tile")!.AsLong, args.Word("mode"), args.Scalar("rank")!.AsLong, args.Scalar("keep")?.AsLong, args.Scalar("prune_epochs")!.AsLong);

    /// <summary>WinogradF2R27; WinogradF2Direct; Keep40, PruneEpochs4 follow.</summary>
    protected override string VariantName(WinogradSettings s)
    {
        var name = $"WinogradF{s.Tile}" + (s.LowRank ? $"R{s.Rank}" : "Direct");
        if (s.Keep is { } keep) name += $"Keep{keep}";
        if (s.PruneEpochs != 2) name += $"PruneEpochs{s.PruneEpochs}";
        return name;
    }

    /// <summary>Winograd F(m, 3) computes stride-1, undilated, ungrouped 3×3×3 conv3d only.</summary>
    public override AnnotationProblem? Declines(BoundArguments args, LayerContext layer)
    {
        if (layer.Spec.Name != "conv3d")
            return new($"Winograd F(m, 3) here computes conv3d layers, and {layer.Spec.Name} is not one", Descriptor: WinogradDiagnostics.UnsupportedLayer);
        var a = layer.Args;
        string? Not(string name, long value) => a.Ints(name, 3).All(v => v.AsLong == value) ? null : name;
        var misfit = Not("kernel", 3) ?? Not("stride", 1) ?? Not("dilation", 1) ?? (a.Scalar("groups")!.AsLong == 1 ? null : "groups");
        if (misfit != null)
            return new($"Winograd F(m, 3) computes stride-1, undilated, ungrouped 3×3×3 convolutions, and this one's {misfit} differs", Descriptor: WinogradDiagnostics.UnsupportedLayer);
        if (a.Word("padding_mode") != "zeros" || a.Ints("padding", 3).Select(p => p.AsLong).Distinct().Count() != 1)
            return new("Winograd F(m, 3) pads with zeros, alike in every dimension", Descriptor: WinogradDiagnostics.UnsupportedLayer);
        return null;
    }

    /// <summary>
    /// Multiplications: tiles·C_out·C_in·kept positions, tiles = ⌈D/m⌉·⌈H/m⌉·⌈W/m⌉ of the output;
    /// the MACs stay the direct convolution's. Parameters: R·(C_out·C_in + α³) (lowrank) or
    /// α³·C_out·C_in (direct_winograd), and the bias.
    /// </summary>
    protected override LayerCost AdjustCost(LayerCost cost, WinogradSettings s, LayerContext layer)
    {
        var weight = layer.Weights!.Layers.Single();
        var output = layer.Result.Output;
        var tiles = Enumerable.Range(output.Rank - 3, 3).Aggregate(1L, (t, d) => t * ((output[d].Value + s.Tile - 1) / s.Tile));
        var pairs = weight.Outputs * (weight.Reduced / 27);
        var bias = cost.Params - weight.Outputs * weight.Reduced;
        var parameters = (s.LowRank ? s.Rank * (pairs + s.Positions) : s.Positions * pairs) + bias;
        var notes = cost.Notes.Append($"Winograd F({s.Tile}, 3): {s.Kept} of {s.Positions} positions, {tiles} tiles").ToList();
        return (cost with { Params = parameters, Notes = notes }).With(WinogradMetrics.Multiplications, tiles * pairs * s.Kept);
    }
}
