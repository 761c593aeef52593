using System;
using System.Linq;
using Dsl.Onnx.Lowering;
using Dsl.Parser.Semantics;
using Dsl.Runtime;

namespace Dsl.Onnx.Methods.Tokens;

/// <summary>
/// A block's token reduction with its fixed counts (a schedule, or the counts a learned one chose):
/// the class token and the patch tokens of highest class attention are kept (TopK), then the
/// lowest of those are merged into their most similar kept token (cosine similarity, ArgMax), sums
/// weighted by size (ScatterElements with addition), as TokenBlock computes at inference.
/// </summary>
internal sealed class TokenReduction : ICallLowering
{
    public string Function => "TokenBlock.Reduce";

    public string Lower(CallContext c)
    {
        var x = c.Tensors[0];
        if (!c.MethodGiven || c.Member(c.Names[0]) is not TokenBlock block) return c.Graph.Node("Identity", new[] { x }, c.Name);
        var flow = c.Session.State<TokenFlow>();
        var shape = c.Session.ShapeOf(x) ?? throw new OnnxExportException($"{c.Name}: the token count here is not known");
        var (tokens, channels) = (shape.Dims[1].Value, shape.Dims[2].Value);
        if (tokens <= block.KeptPrune && tokens <= block.KeptMerge) return x;
        var g = c.Graph;
        var classAttention = flow.ClassAttention ?? throw new OnnxExportException($"{c.Name}: a token reduction follows its block's attention");
        var sizes = flow.Sizes ?? throw new OnnxExportException($"{c.Name}: the token stack was not started");

        var kept = Math.Min(tokens, block.KeptPrune);
        var first = g.Node("Slice", new[] { g.Node("Shape", new[] { x }, c.Name), g.Longs(0), g.Longs(1) }, c.Name);
        var classIndex = g.Node("Expand", new[] { g.Longs(0), g.Node("Concat", new[] { first, g.Longs(1) }, c.Name, OnnxAttribute.Int("axis", 0)) }, c.Name);
        var index = classIndex;
        if (kept > 1)
        {
            var top = g.Nodes("TopK", new[] { classAttention, g.Longs(kept - 1) }, new[] { c.Name + ".values", c.Name + ".order" },
                OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("largest", 1), OnnxAttribute.Int("sorted", 1))[1];
            index = g.Node("Concat", new[] { classIndex, g.Node("Add", new[] { top, g.Longs(1) }, c.Name) }, c.Name, OnnxAttribute.Int("axis", 1));
        }
        (x, sizes) = (Rows(c, x, index, channels), Rows(c, sizes, index, 1));
        var merged = Math.Min(kept, block.KeptMerge);
        if (merged < kept) (x, sizes) = Merge(c, x, sizes, kept, merged, channels);
        flow.Merged |= merged < kept;
        flow.Sizes = sizes;
        return c.Session.Record(x, new Shape(new[] { shape.Dims[0], new Dim(merged, ScalarExpr.Int(merged)), shape.Dims[2] }));
    }

    /// <summary>The rows <paramref name="index"/> [N, k] of each sample of <paramref name="x"/> [N, T, C].</summary>
    private static string Rows(CallContext c, string x, string index, long channels)
    {
        var g = c.Graph;
        var perChannel = g.Node("Unsqueeze", new[] { index, g.Longs(2) }, c.Name);
        var wide = channels == 1 ? perChannel
            : g.Node("Expand", new[] { perChannel, g.Node("Concat", new[] { g.Node("Shape", new[] { index }, c.Name), g.Longs(channels) }, c.Name, OnnxAttribute.Int("axis", 0)) }, c.Name);
        return g.Node("GatherElements", new[] { x, wide }, c.Name, OnnxAttribute.Int("axis", 1));
    }

    // The last kept − merged tokens each join the most similar of tokens 1 … merged − 1 (never the class token).
    private static (string X, string Sizes) Merge(CallContext c, string x, string sizes, long kept, long merged, long channels)
    {
        var g = c.Graph;
        string Part(string t, long from, long to) => g.Node("Slice", new[] { t, g.Longs(from), g.Longs(to), g.Longs(1) }, c.Name);
        if (merged == 1) return (Part(x, 0, 1), Part(sizes, 0, 1));
        var metric = g.Node("Div", new[] { x, g.Node("ReduceL2", new[] { x }, c.Name, OnnxAttribute.Ints("axes", new long[] { -1 }), OnnxAttribute.Int("keepdims", 1)) }, c.Name);
        var destinationsT = g.Node("Transpose", new[] { Part(metric, 1, merged) }, c.Name, OnnxAttribute.Ints("perm", new long[] { 0, 2, 1 }));
        var similarity = g.Node("MatMul", new[] { Part(metric, merged, kept), destinationsT }, c.Name);
        var target = g.Node("Add", new[] { g.Node("ArgMax", new[] { similarity }, c.Name, OnnxAttribute.Int("axis", -1), OnnxAttribute.Int("keepdims", 0)), g.Longs(1) }, c.Name);
        var (destinations, destinationSizes) = (Part(x, 0, merged), Part(sizes, 0, merged));
        var (moving, movingSizes) = (Part(x, merged, kept), Part(sizes, merged, kept));
        var targetOne = g.Node("Unsqueeze", new[] { target, g.Longs(2) }, c.Name);
        var targetWide = g.Node("Expand", new[] { targetOne, g.Node("Concat", new[] { g.Node("Shape", new[] { target }, c.Name), g.Longs(channels) }, c.Name, OnnxAttribute.Int("axis", 0)) }, c.Name);
        var add = OnnxAttribute.String("reduction", "add");
        var weighted = g.Node("ScatterElements", new[] { g.Node("Mul", new[] { destinations, destinationSizes }, c.Name), targetWide, g.Node("Mul", new[] { moving, movingSizes }, c.Name) },
            c.Name, OnnxAttribute.Int("axis", 1), add);
        var total = g.Node("ScatterElements", new[] { destinationSizes, targetOne, movingSizes }, c.Name, OnnxAttribute.Int("axis", 1), add);
        return (g.Node("Div", new[] { weighted, total }, c.Name), total);
    }
}
