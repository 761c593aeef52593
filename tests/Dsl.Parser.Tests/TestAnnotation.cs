using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Tests;

/// <summary>
/// An annotation kind defined by the tests to exercise the framework: it applies to conv
/// layers, flows from headers and calls, and counts a layer's cost as bits/32 of its MACs.
/// </summary>
internal sealed class TestQuantAnnotation : AnnotationSchema
{
    public static AnnotationCatalog Catalog { get; } = AnnotationCatalog.Default.With(new TestQuantAnnotation());

    public override string Name => "testq";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[] { ParamSpec.Int("bits", 8, min: 2) };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "conv" };

    public override AnnotationProblem? Validate(BoundArguments args) => args.Scalar("bits")!.AsLong > 16 ? new("at most 16 bits") : null;

    public override LayerCost AdjustCost(LayerCost cost, BoundArguments args, BoundArguments layerArgs) =>
        cost with { Macs = cost.Macs * args.Scalar("bits")!.AsLong / 32, Notes = cost.Notes.Append($"{args.Scalar("bits")!.AsLong}-bit").ToList() };
}
