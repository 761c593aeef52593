using System.Collections.Generic;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// 1-bit weights and activations (@binarize), by <c>method</c>:
/// <c>plain</c>, the baseline: sign weights scaled by the channel's mean |w|, sign activations
/// with the straight-through estimator;
/// <c>rebnn</c> (ReBNN, convolutions and linears): a learnable per-channel scale, the
/// reconstruction-aware backward with γ <c>adaptive</c> (the paper) or <c>constant</c>
/// (<c>gamma_value</c>, the released code), activations with the 2 − 2|x| surrogate;
/// <c>bivit</c> (Bi-ViT): Bi-Real weights, activations binarized with a learnable scale and
/// offset (per head in attention; <c>scale: false</c> drops them), per-head LayerNorm on q
/// and k, the MLP's GELU clipped to ±<c>gelu_clip</c>.
/// On attention, <c>attention: true</c> binarizes q, k, v and the attention matrix too.
/// </summary>
public sealed class BinarizeAnnotation : AnnotationSchema<BinarizeSettings>
{
    public const string KindName = "binarize";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Word("method", "plain", "rebnn", "bivit"),
        ParamSpec.Bool("weights", true),
        ParamSpec.Bool("activations", true),
        ParamSpec.Bool("attention", true),
        ParamSpec.Bool("scale", true),
        ParamSpec.Float("factor", 1, min: 0),
        ParamSpec.Word("gamma", "adaptive", "constant"),
        ParamSpec.Float("gamma_value", 2e-4, min: 0),
        ParamSpec.Bool("qk_norm", true),
        ParamSpec.Float("gelu_clip", 10, min: 0),
    };

    public override IReadOnlyCollection<string> Families => LowBitCost.Families;

    public override string RuntimeFunction => "Compression.Binarize";

    /// <summary>Both set a layer's bit-width.</summary>
    public override IReadOnlyCollection<string> ConflictsWith { get; } = new[] { QuantAnnotation.KindName };

    protected override BinarizeSettings Bind(BoundArguments args) =>
        new(args.Word("method"), args.Scalar("weights")!.AsBool, args.Scalar("activations")!.AsBool, args.Scalar("attention")!.AsBool,
            args.Scalar("scale")!.AsBool, args.Scalar("factor")!.Concrete, args.Word("gamma"), args.Scalar("gamma_value")!.Concrete,
            args.Scalar("qk_norm")!.AsBool, args.Scalar("gelu_clip")!.Concrete);

    /// <summary>Rebnn, RebnnActivations (weights stay full precision), PlainWeights, RebnnConstant (γ constant).</summary>
    protected override string VariantName(BinarizeSettings s)
    {
        var name = char.ToUpperInvariant(s.Method[0]) + s.Method.Substring(1);
        if (!s.Weights) name += "Activations";
        if (!s.Activations) name += "Weights";
        if (s.Method == "rebnn" && s.Gamma == "constant") name += "Constant";
        return name;
    }

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        if (!args.Scalar("weights")!.AsBool && !args.Scalar("activations")!.AsBool)
            return new("@binarize with neither weights nor activations changes nothing; drop it or exempt the layer with @exempt(binarize)", "activations", BinarizeDiagnostics.NothingBinarized);
        var method = args.Word("method");
        foreach (var (name, only) in new[] { ("gamma", "rebnn"), ("gamma_value", "rebnn"), ("factor", "rebnn"), ("scale", "bivit"), ("qk_norm", "bivit"), ("gelu_clip", "bivit") })
        {
            if (args.IsExplicit(name) && method != only) return new($"{name} belongs to method: {only}, but this @binarize uses method: {method}", name, BinarizeDiagnostics.OtherMethodsArgument);
        }
        return null;
    }

    protected override AnnotationProblem? CheckTarget(BinarizeSettings s, string family) =>
        family == "attention" && s.Method == "rebnn"
            ? new("ReBNN binarizes convolutions and linears; binarize attention with method: bivit (or plain), or exempt it with @exempt(binarize)",
                Descriptor: BinarizeDiagnostics.LayerNotSupported)
            : null;

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => BinarizeDiagnostics.All;

    public override IReadOnlyList<CostMetric> Metrics => LowBitMetrics.All;

    protected override LayerCost AdjustCost(LayerCost cost, BinarizeSettings s, LayerContext layer)
    {
        var (weights, activations, attention) = (s.Weights, s.Activations, s.Attention);
        var adjusted = LowBitCost.Apply(cost, layer, weights ? 1 : 32, activations ? 1 : 32, attention);
        // ReBNN's per-channel scales; Bi-ViT's scales and offsets, per head in attention, and its q/k LayerNorms.
        var (channels, layers) = (layer.Weights!.Channels, layer.Weights.Count);
        long added = 0;
        if (s.Method == "rebnn" && weights) added += channels;
        if (s.Method == "bivit")
        {
            var scale = s.Scale && activations;
            if (scale) added += 2 * layers;
            if (layer.Spec.Traits.HasFlag(LayerTraits.TokenMixing))
            {
                var heads = layer.Args.Scalar("heads")!.AsLong;
                if (scale && attention) added += 4 * 2 * heads;
                if (s.QkNorm) added += 4 * (cost.Output[2].Value / heads);
            }
        }
        return LowBitCost.Stored(adjusted with { Params = cost.Params + added }, layer, weights ? 1 : 32);
    }
}
