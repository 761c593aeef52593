using System.Linq;
using System.Collections.Generic;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// LSQ / LSQ+ quantization-aware training (@quant): <c>w</c> bits for weights (per output
/// channel or per tensor) and <c>a</c> bits for the layer's input, each with a learnable step
/// initialised on the first batch; <c>zero_point</c> adds LSQ+'s learnable offset to the
/// activations, which are unsigned when the first batch is non-negative unless <c>act</c>
/// says. On attention, <c>attention: true</c> also quantizes q, k, v and the softmax output.
/// Either bit-width may be left out to keep that side in full precision.
/// </summary>
public sealed class QuantAnnotation : AnnotationSchema<QuantSettings>
{
    public const string KindName = "quant";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("w", ArgKind.Int, Aliases: new[] { "weights", "bits", "w_bits", "wbits", "weight_bits", "n_bits", "nbits" }),
        new ParamSpec("a", ArgKind.Int, Aliases: new[] { "activations", "activation", "acts", "a_bits", "abits", "act_bits", "activation_bits" }),
        ParamSpec.Word("weight", "per_channel", "per_tensor"),
        ParamSpec.Word("act", "auto", "signed", "unsigned"),
        ParamSpec.Bool("zero_point", false),
        ParamSpec.Bool("attention", true),
    };

    /// <summary>The low-bit families, and DETR's layers (Q-DETR quantizes the whole transformer).</summary>
    public override IReadOnlyCollection<string> Families { get; } = LowBitCost.Families.Concat(new[] { DetrLayerSpec.FamilyName }).ToList();

    public override string RuntimeFunction => "Compression.Quant";

    /// <summary>Both set a layer's bit-width.</summary>
    public override IReadOnlyCollection<string> ConflictsWith { get; } = new[] { BinarizeAnnotation.KindName };

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => QuantDiagnostics.All;

    public override IReadOnlyList<CostMetric> Metrics => LowBitMetrics.All;

    protected override QuantSettings Bind(BoundArguments args) =>
        new(args.Scalar("w")?.AsLong, args.Scalar("a")?.AsLong, args.Word("weight") == "per_channel", args.Word("act"),
            args.Scalar("zero_point")!.AsBool, args.Scalar("attention")!.AsBool);

    /// <summary>W4A4; settings other than the defaults follow: W4A4PerTensor, W8A8SignedZeroPoint, W4A4NoAttention.</summary>
    protected override string VariantName(QuantSettings s)
    {
        var name = (s.W is { } w ? $"W{w}" : "") + (s.A is { } a ? $"A{a}" : "");
        if (!s.PerChannel) name += "PerTensor";
        if (s.Act != "auto") name += char.ToUpperInvariant(s.Act[0]) + s.Act.Substring(1);
        if (s.ZeroPoint) name += "ZeroPoint";
        if (!s.Attention) name += "NoAttention";
        return name;
    }

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        if (args["w"].Value == null && args["a"].Value == null)
            return new("@quant needs bit-widths: w: for weights and/or a: for activations, such as @quant(w: 4, a: 4)", Descriptor: QuantDiagnostics.NoBits);
        foreach (var name in new[] { "w", "a" })
        {
            if (args.Scalar(name) is { } bits && LowBitCost.CheckBits(bits.AsLong, name) is { } problem) return new(problem, name, QuantDiagnostics.BitsOutOfRange);
        }
        return null;
    }

    protected override LayerCost AdjustCost(LayerCost cost, QuantSettings s, LayerContext layer)
    {
        var attention = s.Attention && s.A != null;
        var adjusted = LowBitCost.Apply(cost, layer, s.WeightBits, s.ActivationBits, attention);
        // The learnable steps (and LSQ+ zero points) LSQ adds.
        var (channels, layers) = (layer.Weights!.Channels, layer.Weights.Count);
        long added = 0;
        if (s.W != null) added += s.PerChannel ? channels : layers;
        if (s.A != null) added += layers * (s.ZeroPoint ? 2 : 1);
        if (attention) added += layer.Spec.Attentions * (4 + (s.ZeroPoint ? 3 : 0));
        return LowBitCost.Stored(adjusted with { Params = cost.Params + added }, layer, s.WeightBits);
    }
}
