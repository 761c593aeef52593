using Dsl.Onnx.Lowering;
using Dsl.Runtime.LowBit;

namespace Dsl.Onnx.Methods.Binarize;

/// <summary>An activation's sign as the runtime takes it: +1 where x ≥ 0 (zero included), −1 elsewhere (ONNX's Sign would give 0 at 0).</summary>
internal sealed class SignLowering : TransformLowering<SignActivation>
{
    protected override string Activation(LayerContext c, SignActivation module, string input) => Binary(c, input);

    public static string Binary(LayerContext c, string input)
    {
        var positive = c.Node("GreaterOrEqual", new[] { input, c.Graph.Float(0) });
        return c.Node("Where", new[] { positive, c.Graph.Float(1), c.Graph.Float(-1) });
    }
}
