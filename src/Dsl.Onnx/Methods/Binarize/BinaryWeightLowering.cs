using System;
using System.Linq;
using Dsl.Onnx.Lowering;
using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Onnx.Methods.Binarize;

/// <summary>
/// A binarized weight as sign and scale: its signs stored as int8 ±1, cast and multiplied by the
/// per-channel scale the trained transform uses (mean |w| for XNOR-style scaling, ReBNN's
/// learned α). The scale is read off the transform's own output, s = mean over each channel of
/// W_b·sign(w), which is exact because W_b = s·sign(w) element by element.
/// </summary>
internal sealed class BinaryWeightLowering<T> : TransformLowering<T> where T : nn.Module<Tensor, Tensor>
{
    protected override WeightValue Weight(LayerContext c, T module, WeightValue weight, long outputAxis)
    {
        var w = Constant(c, weight).detach();
        using var noGrad = no_grad();
        var binarized = module.forward(w);
        var signs = where(w >= 0, 1f, -1f).to_type(w.dtype);
        var others = Enumerable.Range(0, (int)w.dim()).Where(d => d != outputAxis).Select(d => (long)d).ToArray();
        var scale = (binarized * signs).mean(others);
        var stored = c.Initializer("weight_sign", signs.to_type(ScalarType.Int8));
        var cast = c.Node("Cast", new[] { stored }, OnnxAttribute.Int("to", 1));
        return new GraphWeight(c.Node("Mul", new[] { cast, c.Initializer("weight_scale", AlongAxis(scale, outputAxis, (int)w.dim())) }));
    }
}
