using static TorchSharp.torch;

namespace Dsl.Onnx.Lowering;

/// <summary>
/// A weight on its way through a layer's weight transforms: still a tensor that a later transform
/// may fold (a mask), or already a value in the graph (after DequantizeLinear, or sign × scale).
/// </summary>
internal abstract record WeightValue;

internal sealed record ConstantWeight(Tensor Tensor) : WeightValue;

internal sealed record GraphWeight(string Name) : WeightValue;
