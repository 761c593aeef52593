using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// A supernet that runs at several widths with one set of weights (@dynamic, DDA), written on an
/// image model: its convolutions become slimmable (at width w the first int(w·C) output channels,
/// and the first int(w·C) channels of each part of the input), its BatchNorms switchable (one set
/// of statistics per width). A convolution slims both sides unless it says otherwise with
/// <c>@dynamic(slim: outputs)</c> (it reads the image), <c>inputs</c> (it makes the output) or
/// <c>none</c>; the compiler follows the channels through the forward pass and checks that every
/// width agrees (<see cref="WidthFlow"/>). Costs: MACs at each width and the routed mean; the
/// model's state routes an image's patches to widths by the moiré prior.
/// </summary>
public sealed class DynamicAnnotation : AnnotationSchema<DynamicSettings>
{
    public const string KindName = "dynamic";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("widths", ArgKind.Floats, new ListValue(new[] { 0.25, 0.5, 0.75, 1.0 }.Select(w => (Value)ScalarValue.Float(w)).ToList()), Min: 0, Max: 1),
        ParamSpec.Word("slim", "both", "inputs", "outputs", "none"),
        ParamSpec.Int("overlap", 8, min: 0),
        ParamSpec.Float("cutoff", 5, min: 0),
        ParamSpec.Float("colour_weight", 0.3, min: 0),
    };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "conv", "norm" };

    public override bool WholeModel => true;

    public override IReadOnlyCollection<string> LayerArguments { get; } = new[] { "slim" };

    public override string RuntimeFunction => "Compression.Dynamic";

    /// <summary>Each replaces a layer's weights or sets the network's setting its own way.</summary>
    public override IReadOnlyCollection<string> ConflictsWith { get; } = new[]
    {
        QuantAnnotation.KindName, BinarizeAnnotation.KindName, PruneAnnotation.KindName, SparseAnnotation.KindName,
        MultiBitAnnotation.KindName, PtqAnnotation.KindName, WinogradAnnotation.KindName,
    };

    /// <summary>The model's widths and routing.</summary>
    public override IReadOnlyCollection<string> ClassMembers { get; } = new[] { "dynamic" };

    public override IReadOnlyCollection<string> RuntimeTypes { get; } = new[] { "DynamicState", "IDynamic" };

    public override IReadOnlyList<CostMetric> Metrics { get; } = new[] { DynamicMetrics.RoutedMacs };

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => DynamicDiagnostics.All;

    protected override DynamicSettings Bind(BoundArguments args) =>
        new(args.Floats("widths").OrderBy(w => w).ToList(), args.Word("slim"), args.Scalar("overlap")!.AsLong, args.Scalar("cutoff")!.Concrete, args.Scalar("colour_weight")!.Concrete);

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        var widths = args.Floats("widths");
        if (widths.Any(w => w <= 0))
            return new($"a width is a fraction of the channels in (0, 1], not {widths.First(w => w <= 0)}", "widths", DynamicDiagnostics.BadWidths);
        if (widths.GroupBy(w => w).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return new($"widths lists {twice.Key} twice; each width is one setting of the network", "widths", DynamicDiagnostics.BadWidths);
        if (args.Scalar("cutoff")!.Concrete <= 0)
            return new("the moiré prior's high-pass cutoff D₀ is positive", "cutoff", DynamicDiagnostics.BadWidths);
        return null;
    }

    /// <summary>Widths25to100; Widths25_50 for others.</summary>
    protected override string VariantName(DynamicSettings s) =>
        "Widths" + string.Join("_", s.Widths.Select(w => DynamicSettings.Setting(w).Substring(1)));

    /// <summary>Slimmable: ungrouped 2-D convolutions; switchable: BatchNorms.</summary>
    protected override AnnotationProblem? CheckLayer(DynamicSettings s, LayerContext layer)
    {
        var name = layer.Spec.Name;
        if (name == "batch_norm" || (name == "conv2d" && layer.Args.Scalar("groups") is not { AsLong: > 1 })) return null;
        return new($"@dynamic slims ungrouped conv2d layers and switches batch_norm, not {(name == "conv2d" ? "a grouped convolution" : name)}; exempt it with @exempt(dynamic)",
            Descriptor: DynamicDiagnostics.UnsupportedLayer);
    }

    /// <summary>A switchable BatchNorm keeps a set of statistics and affine parameters per width.</summary>
    protected override LayerCost AdjustCost(LayerCost cost, DynamicSettings s, LayerContext layer)
    {
        if (layer.Spec.Family != "norm") return cost;
        var notes = cost.Notes.Append($"{s.Widths.Count} BatchNorms: one per width").ToList();
        return cost with { Params = cost.Params * s.Widths.Count, Notes = notes };
    }

    /// <summary>Follows the channels through forward (<see cref="WidthFlow"/>), counts each width's MACs, and adds the model's state.</summary>
    protected override TensorValue? AssembleModel(ModelAssembly model, DynamicSettings s, BoundArguments args, TensorValue output)
    {
        if (model.Inputs.Count != 1 || model.Inputs[0].Shape.Rank != 4 || model.Inputs[0].Shape[2].Value != model.Inputs[0].Shape[3].Value)
        {
            model.Diagnostics.Report(DynamicDiagnostics.NotAnImageModel, args.CallSpan,
                $"@dynamic restores images patch by patch: the model takes one square patch [N, C, P, P], not {string.Join(", ", model.Inputs.Select(i => i.Shape.ToString()))}");
            return null;
        }
        var flow = WidthFlow.Follow(model, s, args.CallSpan, output);
        if (flow == null) return null;
        var input = model.Inputs[0].Shape;
        model.Members.Add(new MethodMember("dynamic", "DynamicState",
            new[]
            {
                new ConstructionArg("widths", new ListCode(s.Widths.Select(ScalarExpr.Float).ToList(), Reals: true)),
                new ConstructionArg("macs", new ListCode(s.Widths.Select(w => ScalarExpr.Int(flow.MacsAt(w))).ToList())),
                new ConstructionArg("patch", new ScalarCode(ScalarExpr.Int(input[2].Value))),
                new ConstructionArg("overlap", new ScalarCode(ScalarExpr.Int(s.Overlap))),
                new ConstructionArg("cutoff", new RealCode(s.Cutoff)),
                new ConstructionArg("colourWeight", new RealCode(s.ColourWeight)),
            },
            "@dynamic: the widths, the width the network runs at, and the routing of an image's patches.",
            "Dynamic", "The widths and the current one (model.Dynamic.Use(model, width)); Restore routes an image's patches by the moiré prior.", Interface: "IDynamic"));
        return output;
    }
}
