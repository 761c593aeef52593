using System.Collections.Generic;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>linear(out_features, bias): y = x Wᵀ + b over the last dimension.</summary>
public sealed class LinearSpec : LayerSpec
{
    public override string Name => "linear";
    public override string Family => "linear";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("out_features", ArgKind.Int, min: 1),
        ParamSpec.Bool("bias", true),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        // Rank 2 (features) or 3 (tokens); a feature map needs an explicit flatten or pool first.
        if (!b.RequireRank(2, 3, "[N, *, in_features]", "insert `flatten`?")) return null;
        var inFeatures = Size.Of(b.Input.Last);
        var outFeatures = b.Size("out_features");
        b.Infer("in_features", inFeatures);
        var tokens = b.Input.ElementsPerSample / inFeatures.Value;
        var macs = tokens * inFeatures.Value * outFeatures.Value;
        var parameters = inFeatures.Value * outFeatures.Value + (b.Bool("bias") ? outFeatures.Value : 0);
        return new LayerResult(b.Input.With(b.Input.Rank - 1, outFeatures.ToDim()), macs, parameters);
    }
}
