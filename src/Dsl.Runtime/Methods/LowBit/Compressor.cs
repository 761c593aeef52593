using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// How a compression annotation changes the layers it reaches: the linear and convolution
/// layers (also those inside attention, MLP and patch embedding) and attention's own
/// activations. Built by <see cref="Compression"/>'s functions in generated code.
/// </summary>
public abstract class Compressor
{
    /// <summary>
    /// What the layer's weight passes before the layer's operation (a quantizer, a mask), built
    /// from the weight and its output-channel axis; null leaves the weight as it is.
    /// </summary>
    public virtual nn.Module<Tensor, Tensor>? WeightTransform(Tensor weight, long outputAxis) => null;

    /// <summary>What the layer's input passes first (an activation quantizer); null leaves it.</summary>
    public virtual nn.Module<Tensor, Tensor>? InputTransform() => null;

    /// <summary>The compressed form of a linear or convolution layer, which keeps its weight and bias under their names.</summary>
    public virtual nn.Module<Tensor, Tensor> Layer(nn.Module<Tensor, Tensor> layer)
    {
        var axis = LowBitLayer.OutputAxis(layer);
        return LowBitLayer.Of(layer, weight => WeightTransform(weight, axis), InputTransform());
    }

    /// <summary>The compressed form of a BatchNorm, for a method that reaches normalization layers (@multibit's switchable BatchNorm).</summary>
    public virtual nn.Module<Tensor, Tensor> BatchNorm(long features, double eps, double momentum, bool affine) =>
        throw new System.NotSupportedException($"{GetType().Name} does not convert BatchNorm layers");

    /// <summary>
    /// The quantizer of one of attention's activations, applied per head along axis 1: role
    /// q, k, v ([B, H, T, d]) or attn, the softmax output ([B, H, T, T]); null keeps it in full
    /// precision.
    /// </summary>
    public virtual nn.Module<Tensor, Tensor>? AttentionActivation(string role, long heads) => null;

    /// <summary>A LayerNorm over each head's features of q and k before they are quantized (Bi-ViT).</summary>
    public virtual bool QkNorm => false;

    /// <summary>The MLP's GELU output clipped to ±this (Bi-ViT); null leaves it.</summary>
    public virtual double? GeluClip => null;
}
