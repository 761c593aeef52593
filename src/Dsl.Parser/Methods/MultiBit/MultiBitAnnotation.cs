using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// One network at any of several bit-widths (@multibit, MultiQuant), written on a model: its
/// body's linear, convolution and batch_norm layers (all but those exempted: the stem and the
/// classifier stay full precision) become G = ⌈max/2⌉ independent branches of 2-bit weights
/// with b-bit activations (bounds per width) and a BatchNorm per branch and width; a b-bit pass
/// runs b/2 branches (half of one more for an odd b) on copies of the batch and averages them
/// where the body ends. <c>method: switch</c> is the baseline: one set of weights re-quantized
/// to each width. <c>amortized</c> spreads the widths over the branches; <c>distill</c> has the
/// lower widths learn from the highest in each step. Costs per width: MACs and BOPs (b/2
/// branches × 2-bit weights × b-bit activations = MACs·b²).
/// </summary>
public sealed class MultiBitAnnotation : AnnotationSchema<MultiBitSettings>
{
    public const string KindName = "multibit";

    private static readonly string[] Runnable = { "linear", "conv1d", "conv2d", "conv3d", "batch_norm" };

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("bits", ArgKind.Ints, new ListValue(new long[] { 2, 3, 4, 5, 6, 7, 8 }.Select(b => (Value)ScalarValue.Int(b)).ToList())),
        ParamSpec.Word("method", "multibranch", "switch"),
        ParamSpec.Bool("amortized", true),
        ParamSpec.Bool("distill", true),
    };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "conv", "linear", "norm" };

    public override bool WholeModel => true;

    public override string RuntimeFunction => "Compression.MultiBit";

    /// <summary>Each sets a layer's weights and bit-width its own way.</summary>
    public override IReadOnlyCollection<string> ConflictsWith { get; } =
        new[] { QuantAnnotation.KindName, BinarizeAnnotation.KindName, PruneAnnotation.KindName, SparseAnnotation.KindName };

    /// <summary>The model's widths and branched body.</summary>
    public override IReadOnlyCollection<string> ClassMembers { get; } = new[] { "multibit" };

    public override IReadOnlyCollection<string> RuntimeTypes { get; } = new[] { "MultiBitState", "IMultiBit" };

    public override IReadOnlyList<CostMetric> Metrics { get; } = new[] { LowBitMetrics.WeightBits, LowBitMetrics.Bops };

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => MultiBitDiagnostics.All;

    protected override MultiBitSettings Bind(BoundArguments args) =>
        new(args.Ints("bits", 1).Select(b => b.AsLong).OrderBy(b => b).ToList(), args.Word("method"), args.Scalar("amortized")!.AsBool, args.Scalar("distill")!.AsBool);

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        var bits = args.Ints("bits", 1).Select(b => b.AsLong).ToList();
        if (bits.FirstOrDefault(b => b is < 2 or > 8) is var wrong && wrong != 0)
            return new($"@multibit runs 2 to 8 bits (2-bit branches, at least one per width), not {wrong}", "bits", MultiBitDiagnostics.BadWidths);
        if (bits.GroupBy(b => b).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return new($"bits lists {twice.Key} twice; each width is one setting of the network", "bits", MultiBitDiagnostics.BadWidths);
        if (args.IsExplicit("amortized") && args.Word("method") == "switch")
            return new("amortized: chooses which branches serve each width, and method: switch has one set of weights, no branches", "amortized", MultiBitDiagnostics.AmortizedWithSwitch);
        return null;
    }

    /// <summary>MultiBit2to8; MultiBit2_4_8 for widths with gaps; Switch, InOrder (no amortization), NoDistill follow.</summary>
    protected override string VariantName(MultiBitSettings s)
    {
        var contiguous = s.Bits.Count > 1 && s.Bits[s.Bits.Count - 1] - s.Bits[0] == s.Bits.Count - 1;
        var name = "MultiBit" + (contiguous ? $"{s.Bits[0]}to{s.Bits[s.Bits.Count - 1]}" : string.Join("_", s.Bits));
        if (s.Switch) name += "Switch";
        else if (!s.Amortized) name += "InOrder";
        if (!s.Distill) name += "NoDistill";
        return name;
    }

    /// <summary>The body's layers run as branches on copies of the batch: plain linears and ungrouped convolutions, and BatchNorms.</summary>
    protected override AnnotationProblem? CheckLayer(MultiBitSettings s, LayerContext layer)
    {
        var name = layer.Spec.Name;
        var grouped = name.StartsWith("conv") && layer.Args.Scalar("groups") is { AsLong: > 1 };
        if (Runnable.Contains(name) && !grouped) return null;
        var what = grouped ? "a grouped convolution" : $"{name}";
        return new($"@multibit runs linear, ungrouped convolution and batch_norm layers as 2-bit branches, not {what}; exempt it with @exempt(multibit)",
            Descriptor: MultiBitDiagnostics.UnsupportedLayer);
    }

    /// <summary>
    /// Per width b: MACs = b/2 branches' (half a branch: its C_out/√2 outputs from C_in/√2
    /// inputs) and BOPs = MACs × weight bits × b. The MACs and BOPs columns are the highest
    /// width's. Parameters: every branch's weights and bias, two weight bounds per branch (per
    /// width for switch) and two activation bounds per branch and width; a BatchNorm's per branch and width.
    /// </summary>
    protected override LayerCost AdjustCost(LayerCost cost, MultiBitSettings s, LayerContext layer)
    {
        var (branches, widths) = (s.Branches, s.Bits.Count);
        var notes = cost.Notes.ToList();
        if (layer.Spec.Family == "norm")
        {
            notes.Add($"{branches * widths} BatchNorms: one per branch and width");
            return cost with { Params = cost.Params * branches * widths, Notes = notes };
        }
        var weight = layer.Weights!.Layers.Single();
        var inputs = layer.Spec.Family == "linear" ? layer.Input.Last.Value : layer.Input[1].Value;
        var halfMacs = cost.Macs / (weight.Outputs * inputs) * MultiBitSettings.HalfChannels(weight.Outputs) * MultiBitSettings.HalfChannels(inputs);
        LayerCost adjusted = cost;
        long macsAtMax = 0, bopsAtMax = 0;
        foreach (var bits in s.Bits)
        {
            var (whole, half) = s.Runs(bits);
            var macs = whole * cost.Macs + (half ? halfMacs : 0);
            var bops = macs * s.WeightBits(bits) * bits;
            adjusted = adjusted.With(MultiBitMetrics.Macs.At(MultiBitMetrics.Setting(bits)), macs).With(LowBitMetrics.Bops.At(MultiBitMetrics.Setting(bits)), bops);
            (macsAtMax, bopsAtMax) = (macs, bops);
        }
        var ownBias = cost.Params - weight.Size;
        var parameters = branches * cost.Params + 2 * branches * (s.Switch ? widths : 1) + 2 * branches * widths;
        var storedWeights = branches * weight.Size * (s.Switch ? 32 : 2);
        notes.Add(s.Switch ? $"weights re-quantized to {string.Join(", ", s.Bits)} bits" : $"{branches} branches of 2-bit weights");
        var (low, high) = (s.Bits[0], s.Bits[s.Bits.Count - 1]);
        return (adjusted with
        {
            Macs = macsAtMax,
            Params = parameters,
            Notes = notes,
            Bits = (s.Switch ? $"W{low}-{high}" : $"W2x{branches}") + $"A{low}-{high}",
        })
            .With(LowBitMetrics.Bops, bopsAtMax)
            .With(LowBitMetrics.WeightBits, storedWeights + 32.0 * (parameters - branches * weight.Size));
    }

    /// <summary>
    /// Marks where the branched body starts and ends in forward: a value from before the first
    /// statement that applies a body layer enters it (<c>multibit.Enter</c>: a copy of the batch
    /// per branch), a value from the body read after its last such statement leaves it
    /// (<c>multibit.Leave</c>: the copies averaged); and adds the model's state.
    /// </summary>
    protected override TensorValue? AssembleModel(ModelAssembly model, MultiBitSettings s, BoundArguments args, TensorValue output)
    {
        var body = new HashSet<string>(model.Costs.Where(c => c.Annotations.Any(a => a.Kind == KindName))
            .Select(c => c.Path.Substring(model.PathPrefix.Length).Split('.')[0]));
        var values = model.Forward.Select(st => st.Value).Append(output.Code).ToList();
        var inBody = values.Select(v => ForwardRewriter.Fields(v).Any(body.Contains)).ToList();
        var (first, last) = (inBody.IndexOf(true), inBody.LastIndexOf(true));
        if (first < 0)
        {
            model.Diagnostics.Report(MultiBitDiagnostics.NoBody, args.CallSpan,
                "@multibit reaches no layer of this model: every linear, convolution and batch_norm is exempt; leave the body's layers unexempted");
            return null;
        }
        var assigned = new Dictionary<string, int>();
        for (var i = 0; i < values.Count; i++)
        {
            var at = i;
            var rewritten = ForwardRewriter.Reads(values[i], v =>
            {
                var from = assigned.TryGetValue(v.Name, out var j) ? j : -1;
                if (at >= first && at <= last && from < first) return Call("Enter", v);
                if (at > last && from >= first && from <= last) return Call("Leave", v);
                return v;
            });
            if (i < model.Forward.Count)
            {
                model.Forward[i] = model.Forward[i] with { Value = rewritten };
                assigned[model.Forward[i].Variable] = i;
            }
            else output = output with { Code = last == i ? Call("Leave", rewritten) : rewritten };
        }
        model.Members.Add(new MethodMember("multibit", "MultiBitState",
            new[]
            {
                new ConstructionArg("bits", new ListCode(s.Bits.Select(ScalarExpr.Int).ToList())), new ConstructionArg("method", new WordCode(s.Method)),
                new ConstructionArg("amortized", new ScalarCode(ScalarExpr.Bool(s.Amortized))), new ConstructionArg("distill", new ScalarCode(ScalarExpr.Bool(s.Distill))),
            },
            "@multibit: the widths, the width the model runs at, where the branched body starts and ends.",
            "MultiBit", "The widths and the current one (model.BitWidth switches it); training visits every width.", Interface: "IMultiBit"));
        return output;
    }

    private static MethodCall Call(string function, TensorExpr value) => new("multibit", function, new CallOperand[] { new TensorOperand(value) });
}
