using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.Methods.Tokens;

/// <summary>The token stack's start: every token holds one patch (sizes of 1), nothing merged yet.</summary>
internal sealed class TokenStart : ICallLowering
{
    public string Function => "tokens.Start";

    public string Lower(CallContext c)
    {
        var x = c.Tensors[0];
        var g = c.Graph;
        var leading = g.Node("Slice", new[] { g.Node("Shape", new[] { x }, c.Name), g.Longs(0), g.Longs(2) }, c.Name);
        var shape = g.Node("Concat", new[] { leading, g.Longs(1) }, c.Name, OnnxAttribute.Int("axis", 0));
        var flow = c.Session.State<TokenFlow>();
        flow.Sizes = g.Node("Expand", new[] { g.Node("Reshape", new[] { g.Float(1), g.Longs(1, 1, 1) }, c.Name), shape }, c.Name);
        flow.Merged = false;
        flow.ClassAttention = null;
        return x;
    }
}
