using System.Collections.Generic;
using System.Globalization;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// Magnitude pruning (@prune), the worked example of docs/adding-a-method.md: in each
/// convolution or linear it reaches, the fraction <c>amount</c> of the weights with the smallest
/// |w| (round(amount·n) of n, biases kept) is zero in every forward, recomputed from the current
/// weights, so a pruned weight gets no gradient until it outgrows a kept one. Dense kernels
/// still do every multiply: the cost report counts the weights left (a metric of its own), not
/// fewer MACs.
/// </summary>
public sealed class PruneAnnotation : AnnotationSchema<PruneSettings>
{
    public const string KindName = "prune";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[] { ParamSpec.Float("amount", 0.5, min: 0, max: 1) };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "conv", "linear" };

    public override string RuntimeFunction => "Compression.Prune";

    /// <summary>The mask goes first, so a quantizer on the same layer sees the kept weights.</summary>
    public override int ConversionOrder => 0;

    public override IReadOnlyList<CostMetric> Metrics => new[] { PruneMetrics.NonzeroWeights };

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => PruneDiagnostics.All;

    protected override PruneSettings Bind(BoundArguments args) => new(args.Scalar("amount")!.Concrete);

    /// <summary>Prune50 for amount 0.5.</summary>
    protected override string VariantName(PruneSettings s) =>
        "Prune" + (s.Amount * 100).ToString("0.##", CultureInfo.InvariantCulture).Replace(".", "_");

    public override AnnotationProblem? Validate(BoundArguments args) =>
        args.Scalar("amount")!.Concrete >= 1
            ? new("@prune(amount: 1) would zero every weight; give the fraction to remove, below 1, such as @prune(amount: 0.5)", "amount", PruneDiagnostics.EveryWeight)
            : null;

    protected override LayerCost AdjustCost(LayerCost cost, PruneSettings s, LayerContext layer)
    {
        var pruned = PruneMetrics.Pruned(s.Amount, layer);
        return cost.With(PruneMetrics.NonzeroWeights, cost.Params - pruned);
    }
}
