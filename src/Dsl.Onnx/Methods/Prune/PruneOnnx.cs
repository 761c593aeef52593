using System.Collections.Generic;
using Dsl.Onnx.Lowering;
using Dsl.Runtime.Prune;

namespace Dsl.Onnx.Methods.Prune;

/// <summary>@prune: the magnitude mask folded into the weights.</summary>
internal sealed class PruneOnnx : IOnnxMethod
{
    public string Annotation => "prune";

    public IReadOnlyList<ITransformLowering> Transforms { get; } = new ITransformLowering[] { new FoldedWeightLowering<MagnitudeMask>() };

    public IReadOnlyList<ICallLowering> Calls { get; } = new ICallLowering[0];
}
