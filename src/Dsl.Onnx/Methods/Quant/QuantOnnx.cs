using System.Collections.Generic;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.Methods.Quant;

/// <summary>@quant (LSQ, LSQ+): QDQ pairs with the learned steps.</summary>
internal sealed class QuantOnnx : IOnnxMethod
{
    public string Annotation => "quant";

    public IReadOnlyList<ITransformLowering> Transforms { get; } = new ITransformLowering[] { new LsqLowering() };

    public IReadOnlyList<ICallLowering> Calls { get; } = new ICallLowering[0];
}
