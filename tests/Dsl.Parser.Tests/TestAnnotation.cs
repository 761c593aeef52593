using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Layers;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Tests;

/// <summary>
/// An annotation kind defined by the tests to exercise the framework: it applies to conv
/// layers, flows from headers and calls, and counts a layer's cost as bits/32 of its MACs.
/// </summary>
internal sealed class TestQuantAnnotation : AnnotationSchema
{
    public static AnnotationCatalog Catalog { get; } = AnnotationCatalog.Default.With(new TestQuantAnnotation()).With(new TestModelAnnotation()).With(new TestWeightsAnnotation()).With(new TestBitsAnnotation());

    public override string Name => "testq";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[] { ParamSpec.Int("bits", 8, min: 2) };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "conv" };

    public override AnnotationProblem? Validate(BoundArguments args) => args.Scalar("bits")!.AsLong > 16 ? new("at most 16 bits") : null;

    public override LayerCost AdjustCost(LayerCost cost, BoundArguments args, LayerContext layer) =>
        cost with { Macs = cost.Macs * args.Scalar("bits")!.AsLong / 32, Notes = cost.Notes.Append($"{args.Scalar("bits")!.AsLong}-bit").ToList() };
}

/// <summary>A kind that writes each layer's weight layout into its notes, to check the layouts methods count with.</summary>
internal sealed class TestWeightsAnnotation : AnnotationSchema
{
    public override string Name => "testw";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new ParamSpec[0];

    public override IReadOnlyCollection<string> Families { get; } = new[] { "attention", "conv", "linear" };

    public override LayerCost AdjustCost(LayerCost cost, BoundArguments args, LayerContext layer) =>
        cost with { Notes = cost.Notes.Append($"{layer.Weights!.Channels} channels: {string.Join(" + ", layer.Weights.Layers.Select(w => $"{w.Outputs}×{w.Reduced}"))}").ToList() };
}

/// <summary>A model-level kind other than @distill: it configures the model and has no teacher.</summary>
internal sealed class TestModelAnnotation : AnnotationSchema
{
    public override string Name => "testm";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[] { ParamSpec.Int("seed", 0) };

    public override IReadOnlyCollection<string> Families { get; } = new string[0];

    public override bool OnModel => true;

    public override AnnotationProblem? CheckOnModel(BoundArguments args, ModelScope model) =>
        args.Scalar("seed")!.AsLong == 13 ? new($"model '{model.Name}' refuses seed 13", "seed") : null;
}

/// <summary>A kind with several settings, as MultiQuant's bit-widths: one BOPs figure per bit-width it lists.</summary>
internal sealed class TestBitsAnnotation : AnnotationSchema
{
    public override string Name => "testbits";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[] { new ParamSpec("bits", ArgKind.Ints, Required: true, Min: 1) };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "linear" };

    public override LayerCost AdjustCost(LayerCost cost, BoundArguments args, LayerContext layer) =>
        args.Ints("bits", 1).Select(b => b.AsLong).Aggregate(cost, (c, b) => c.With(LowBitMetrics.Bops.At($"w{b}a{b}"), c.Macs * b * b));
}
