using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Onnx.Lowering;

/// <summary>A transform lowering for runtime module type <typeparamref name="T"/>; a side it does not apply to fails clearly.</summary>
internal abstract class TransformLowering<T> : ITransformLowering where T : nn.Module<Tensor, Tensor>
{
    public Type Module => typeof(T);

    public string Activation(LayerContext c, nn.Module<Tensor, Tensor> module, string input) => Activation(c, (T)module, input);

    public WeightValue Weight(LayerContext c, nn.Module<Tensor, Tensor> module, WeightValue weight, long outputAxis) =>
        Weight(c, (T)module, weight, outputAxis);

    protected virtual string Activation(LayerContext c, T module, string input) =>
        throw new OnnxExportException($"{c.Name}: {typeof(T).Name} transforms weights, not activations");

    protected virtual WeightValue Weight(LayerContext c, T module, WeightValue weight, long outputAxis) =>
        throw new OnnxExportException($"{c.Name}: {typeof(T).Name} transforms activations, not weights");

    /// <summary>The weight as a tensor, for transforms that compute on it (they must come first in a chain).</summary>
    protected static Tensor Constant(LayerContext c, WeightValue weight) => weight is ConstantWeight constant
        ? constant.Tensor
        : throw new OnnxExportException($"{c.Name}: {typeof(T).Name} must act on the trained weight, before any transform written as nodes");

    /// <summary>A per-channel tensor [C] shaped to broadcast along <paramref name="axis"/> of a tensor of <paramref name="rank"/> axes.</summary>
    protected static Tensor AlongAxis(Tensor perChannel, long axis, int rank)
    {
        var shape = new long[rank];
        Array.Fill(shape, 1L);
        shape[axis] = perChannel.numel();
        return perChannel.reshape(shape);
    }
}
