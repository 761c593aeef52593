using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.Methods.Tokens;

/// <summary>
/// The token stack in an attention layer given a schedule: proportional attention (log of each
/// key's size on its logit, once tokens were merged) and the class attention the reduction reads.
/// </summary>
internal sealed class TokenAttention : IAttentionHook
{
    public string? LogitBias(LayerContext c)
    {
        if (!c.Has("tokens") || c.Session!.State<TokenFlow>() is not { Merged: true, Sizes: { } sizes }) return null;
        var logSizes = c.Node("Log", new[] { c.Node("Squeeze", new[] { sizes, c.Graph.Longs(-1) }) });
        return c.Node("Unsqueeze", new[] { logSizes, c.Graph.Longs(1, 2) });
    }

    public void Weights(LayerContext c, string weights)
    {
        if (!c.Has("tokens")) return;
        var classRow = c.Node("Gather", new[] { weights, c.Graph.Index(0) }, OnnxAttribute.Int("axis", 2));
        var others = c.Node("Slice", new[] { classRow, c.Graph.Longs(1), c.Graph.Longs(long.MaxValue), c.Graph.Longs(2) });
        c.Session!.State<TokenFlow>().ClassAttention = c.Node("ReduceMean", new[] { others }, OnnxAttribute.Ints("axes", new long[] { 1 }), OnnxAttribute.Int("keepdims", 0));
    }
}
