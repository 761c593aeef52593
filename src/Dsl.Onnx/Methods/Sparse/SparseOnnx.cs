using System.Collections.Generic;
using Dsl.Onnx.Lowering;
using Dsl.Runtime.Sparse;

namespace Dsl.Onnx.Methods.Sparse;

/// <summary>@sparse (N:M): the forward mask folded into the weights, N of every M kept.</summary>
internal sealed class SparseOnnx : IOnnxMethod
{
    public string Annotation => "sparse";

    public IReadOnlyList<ITransformLowering> Transforms { get; } = new ITransformLowering[] { new FoldedWeightLowering<NmSparsity>() };

    public IReadOnlyList<ICallLowering> Calls { get; } = new ICallLowering[0];
}
