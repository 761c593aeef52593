using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// N:M sparse training (@sparse, Bi-Mask): in every group of M consecutive weights along a
/// weight's reduced dimension (in_features, or C_in/groups·k_h·k_w) the N largest |w| are kept,
/// recomputed every step. <c>method: bimask</c> (default) also masks the input gradient with an
/// N:M mask along the output channels, found through a permutation searched every
/// <c>interval</c> steps among <c>candidates</c>; <c>forward</c> keeps the backward dense
/// (SR-STE); <c>transposable</c> uses one mask N:M along both dimensions. Pruned weights decay
/// by <c>decay</c>·w. Costs: the weight products at N/M in inference and in the forward and
/// input-gradient products of training; the weight gradient stays dense.
/// </summary>
public sealed class SparseAnnotation : AnnotationSchema<SparseSettings>
{
    public const string KindName = "sparse";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("n", ArgKind.Int, Required: true, Min: 1),
        new ParamSpec("m", ArgKind.Int, Required: true, Min: 2, Max: 32),
        ParamSpec.Word("method", "bimask", "forward", "transposable"),
        ParamSpec.Int("interval", 100, min: 1),
        ParamSpec.Int("candidates", 10, min: 1),
        ParamSpec.Float("decay", 2e-4, min: 0),
    };

    public override IReadOnlyCollection<string> Families => LowBitCost.Families;

    public override string RuntimeFunction => "Compression.Sparse";

    /// <summary>The mask goes first, so a quantizer on the same layer sees the kept weights.</summary>
    public override int ConversionOrder => 0;

    /// <summary>Two masks on one weight would fight over which entries are zero.</summary>
    public override IReadOnlyCollection<string> ConflictsWith { get; } = new[] { PruneAnnotation.KindName };

    public override IReadOnlyList<CostMetric> Metrics { get; } = new[] { SparseMetrics.TrainingMacs, SparseMetrics.DenseMacs };

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => SparseDiagnostics.All;

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        var (n, m) = (args.Scalar("n")!.AsLong, args.Scalar("m")!.AsLong);
        if (n >= m)
            return new($"@sparse keeps n of every m weights, so n must be below m, but n: {n}, m: {m}; 2:4 is the pattern sparse tensor cores run", "n", SparseDiagnostics.NotBelowM);
        var method = args.Word("method");
        foreach (var name in new[] { "interval", "candidates" })
        {
            if (args.IsExplicit(name) && method != "bimask")
                return new($"{name} sets Bi-Mask's permutation search, but this @sparse uses method: {method}", name, SparseDiagnostics.OtherMethodsArgument);
        }
        return null;
    }

    protected override SparseSettings Bind(BoundArguments args) =>
        new(args.Scalar("n")!.AsLong, args.Scalar("m")!.AsLong, args.Word("method"), args.Scalar("interval")!.AsLong,
            args.Scalar("candidates")!.AsLong, args.Scalar("decay")!.Concrete);

    /// <summary>Sparse2of4; Sparse2of4Forward, Sparse2of4Transposable for the baselines; other settings than the defaults follow (Sparse2of4Every1000).</summary>
    protected override string VariantName(SparseSettings s)
    {
        var name = $"Sparse{s.N}of{s.M}" + (s.Method == "bimask" ? "" : char.ToUpperInvariant(s.Method[0]) + s.Method.Substring(1));
        if (s.Interval != 100) name += $"Every{s.Interval}";
        if (s.Candidates != 10) name += $"Candidates{s.Candidates}";
        if (s.Decay != 2e-4) name += "Decay" + s.Decay.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture).Replace(".", "_");
        return name;
    }

    /// <summary>Every weight's groups of M must be whole: along the reduced dimension, and for a sparse backward along the output channels too.</summary>
    protected override AnnotationProblem? CheckLayer(SparseSettings s, LayerContext layer)
    {
        if (layer.Spec.Traits.HasFlag(LayerTraits.Transposed))
            return new("@sparse runs along the dimension a weight's outputs sum over, which a transposed convolution's weight does not lay out; exempt it with @exempt(sparse)",
                Descriptor: SparseDiagnostics.Transposed);
        foreach (var w in layer.Weights!.Layers)
        {
            if (w.Reduced % s.M != 0)
                return new($"each output sums {w.Reduced} weights, not a multiple of m: {s.M}; exempt it with @exempt(sparse) (as the stem usually is) or change its input channels",
                    Descriptor: SparseDiagnostics.ReducedNotDivisible);
            if (s.SparseBackward && w.Outputs % s.M != 0)
                return new($"method: {s.Method} groups the {w.Outputs} output channels by m: {s.M} for the backward mask, and {w.Outputs} is not a multiple; exempt it with @exempt(sparse) (as the classifier usually is), change its outputs, or use method: forward",
                    Descriptor: SparseDiagnostics.OutputsNotDivisible);
        }
        return null;
    }

    /// <summary>
    /// The weight products at N/M (activation products, attention's Q·Kᵀ and A·V, stay); N of
    /// every M weights nonzero; a training step: forward, input gradient (N/M unless the
    /// backward is dense) and the dense weight gradient, with the activation products' two.
    /// </summary>
    protected override LayerCost AdjustCost(LayerCost cost, SparseSettings s, LayerContext layer)
    {
        var products = layer.ActivationProducts;
        var weightMacs = cost.Macs - products;
        var sparseMacs = weightMacs * s.N / s.M;
        var inputGradient = s.SparseBackward ? sparseMacs : weightMacs;
        var training = sparseMacs + inputGradient + weightMacs + 3 * products;
        var pruned = layer.Weights!.Sizes.Sum(size => size - size * s.N / s.M);
        return (cost with { Macs = sparseMacs + products })
            .With(PruneMetrics.NonzeroWeights, cost.Params - pruned)
            .With(SparseMetrics.TrainingMacs, training)
            .With(SparseMetrics.DenseMacs, cost.Macs);
    }
}
