using System.Collections.Generic;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>linear(out_features, bias): y = x Wᵀ + b over the last dimension, any leading ones.</summary>
public sealed class LinearSpec : LayerSpec
{
    public override string Name => "linear";
    public override string Family => "linear";

    public override LayerTraits Traits => LayerTraits.Dense;

    public override WeightLayers Weights(Shape input, LayerResult result, BoundArguments args) => Single(result.Output.Last.Value, result, args);

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("out_features", ArgKind.Int, min: 1),
        ParamSpec.Bool("bias", true),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        // Over the last dimension with any leading ones, as PyTorch; on a feature map that is
        // usually a missing flatten, so it is a warning (not on a stack of sequences).
        if (b.Input.Rank >= 4 && !b.Input.FeaturesLast)
            b.Warn(DiagnosticDescriptors.LinearOverFeatureMap, $"linear applies over the last dimension ({b.Input.Last.Value}) of {b.Input}; insert `flatten` (or a pool) first if you meant the features");
        var inFeatures = Size.Of(b.Input.Last);
        var outFeatures = b.Size("out_features");
        b.Infer("in_features", inFeatures);
        var tokens = b.Input.ElementsPerSample / inFeatures.Value;
        var macs = tokens * inFeatures.Value * outFeatures.Value;
        var parameters = inFeatures.Value * outFeatures.Value + (b.Bool("bias") ? outFeatures.Value : 0);
        return new LayerResult(b.Input.With(b.Input.Rank - 1, outFeatures.ToDim()), macs, parameters);
    }
}
