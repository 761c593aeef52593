using System.Collections.Generic;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// Post-training quantization (@ptq) of a trained model, no fine-tuning: <c>w</c>-bit weights
/// (uniform per output channel) and <c>a</c>-bit layer inputs. <c>method: dfsq</c> (default)
/// normalises each sample's channel and snaps it to 2^a points a channel selects by k-means
/// (<c>restarts</c>, <c>iterations</c>) from the universal set of sums of powers of two
/// (<c>terms</c>, <c>shift</c>: 377 values by default); <c>minmax</c> and <c>percentile</c> are the
/// uniform baselines, over the calibration range or between its percentiles. <c>samples</c>
/// calibration inputs set the quantizers up. The layers compute in full precision until then.
/// </summary>
public sealed class PtqAnnotation : AnnotationSchema<PtqSettings>
{
    public const string KindName = "ptq";

    private static readonly string[] DfsqArguments = { "restarts", "iterations", "terms", "shift" };

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Word("method", "dfsq", "minmax", "percentile"),
        new ParamSpec("w", ArgKind.Int, Required: true, Aliases: new[] { "weights", "bits", "w_bits", "wbits", "weight_bits" }),
        new ParamSpec("a", ArgKind.Int, Required: true, Aliases: new[] { "activations", "a_bits", "abits", "act_bits" }),
        ParamSpec.Int("samples", 100, min: 1),
        ParamSpec.Int("restarts", 5, min: 1),
        ParamSpec.Int("iterations", 100, min: 1),
        new ParamSpec("terms", ArgKind.Int, ScalarValue.Int(4), Min: 1, Max: 8),
        new ParamSpec("shift", ArgKind.Int, ScalarValue.Int(4), Min: 1, Max: 16),
        ParamSpec.Float("percentile", 99.99, min: 50, max: 100),
    };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "conv", "linear" };

    public override string RuntimeFunction => "Compression.Ptq";

    /// <summary>Each sets the layer's bit-width; PTQ quantizes a trained full-precision layer.</summary>
    public override IReadOnlyCollection<string> ConflictsWith { get; } = new[] { QuantAnnotation.KindName, BinarizeAnnotation.KindName };

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => PtqDiagnostics.All;

    public override IReadOnlyList<CostMetric> Metrics => LowBitMetrics.All;

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        foreach (var name in new[] { "w", "a" })
        {
            var bits = args.Scalar(name)!.AsLong;
            if (bits is < 2 or > 16)
                return new($"{name} must be between 2 and 16 bits but is {bits}", name, PtqDiagnostics.BitsOutOfRange);
        }
        var method = args.Word("method");
        if (method == "dfsq")
        {
            var (a, terms, shift) = (args.Scalar("a")!.AsLong, args.Scalar("terms")!.AsLong, args.Scalar("shift")!.AsLong);
            var size = PtqSettings.UniversalSetSize(terms, shift);
            if (1L << (int)a > size)
                return new($"DFSQ at a: {a} selects {1L << (int)a} points per channel, but its universal set (terms: {terms}, shift: {shift}) holds {size} values; use a: {Log2Floor(size)} or fewer bits, or more terms",
                    "a", PtqDiagnostics.MorePointsThanValues);
            if (args.IsExplicit("percentile"))
                return new("percentile sets method: percentile's clipping range, but this @ptq uses method: dfsq", "percentile", PtqDiagnostics.OtherMethodsArgument);
            return null;
        }
        foreach (var name in DfsqArguments)
        {
            if (args.IsExplicit(name))
                return new($"{name} sets DFSQ's point selection, but this @ptq uses method: {method}", name, PtqDiagnostics.OtherMethodsArgument);
        }
        if (method == "minmax" && args.IsExplicit("percentile"))
            return new("percentile sets method: percentile's clipping range, but this @ptq uses method: minmax", "percentile", PtqDiagnostics.OtherMethodsArgument);
        return null;
    }

    protected override PtqSettings Bind(BoundArguments args) =>
        new(args.Word("method"), args.Scalar("w")!.AsLong, args.Scalar("a")!.AsLong, args.Scalar("samples")!.AsLong, args.Scalar("restarts")!.AsLong,
            args.Scalar("iterations")!.AsLong, args.Scalar("terms")!.AsLong, args.Scalar("shift")!.AsLong, args.Scalar("percentile")!.Concrete);

    /// <summary>DfsqW4A4, MinmaxW8A8, PercentileW6A6; settings other than the defaults follow (Samples200, Terms3).</summary>
    protected override string VariantName(PtqSettings s)
    {
        var name = char.ToUpperInvariant(s.Method[0]) + s.Method.Substring(1) + $"W{s.W}A{s.A}";
        if (s.Samples != 100) name += $"Samples{s.Samples}";
        if (s.Restarts != 5) name += $"Restarts{s.Restarts}";
        if (s.Iterations != 100) name += $"Iterations{s.Iterations}";
        if (s.Terms != 4) name += $"Terms{s.Terms}";
        if (s.Shift != 4) name += $"Shift{s.Shift}";
        if (s.Percentile != 99.99) name += "Percentile" + s.Percentile.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture).Replace(".", "_");
        return name;
    }

    /// <summary>DFSQ normalises each channel over a sample's positions, which a linear layer's input does not have; no method runs transposed convolutions.</summary>
    protected override AnnotationProblem? CheckLayer(PtqSettings s, LayerContext layer)
    {
        if (layer.Spec.Traits.HasFlag(LayerTraits.Transposed))
            return new("@ptq quantizes linear and convolution layers, not transposed convolutions; exempt it with @exempt(ptq)", Descriptor: PtqDiagnostics.UnsupportedLayer);
        if (s.Method == "dfsq" && layer.Spec.Family != "conv")
            return new($"DFSQ normalises each channel over a sample's positions, which the input of {layer.Spec.Name} does not have; use method: minmax or percentile here, or exempt it with @exempt(ptq)",
                Descriptor: PtqDiagnostics.UnsupportedLayer);
        return null;
    }

    /// <summary>BOPs at w·a bits per MAC; stored weights at w bits. DFSQ's points (C_in × 2^a per layer) are buffers, not parameters.</summary>
    protected override LayerCost AdjustCost(LayerCost cost, PtqSettings s, LayerContext layer)
    {
        var adjusted = LowBitCost.Apply(cost, layer, (int)s.W, (int)s.A, attentionMatrix: false);
        return LowBitCost.Stored(adjusted, layer, s.W);
    }

    private static int Log2Floor(int n)
    {
        var bits = 0;
        while ((2L << bits) <= n) bits++;
        return bits;
    }
}
