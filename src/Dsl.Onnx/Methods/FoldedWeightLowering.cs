using Dsl.Onnx.Lowering;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Onnx.Methods;

/// <summary>A weight transform that only zeroes weights (a mask): folded into the stored weight, its zeros in place.</summary>
internal sealed class FoldedWeightLowering<T> : TransformLowering<T> where T : nn.Module<Tensor, Tensor>
{
    protected override WeightValue Weight(LayerContext c, T module, WeightValue weight, long outputAxis)
    {
        using var noGrad = no_grad();
        return new ConstantWeight(module.forward(Constant(c, weight).detach()).detach());
    }
}
