using System.Collections.Generic;
using Dsl.Onnx.Lowering;
using Dsl.Runtime.LowBit;

namespace Dsl.Onnx.Methods.Binarize;

/// <summary>@binarize (plain, ReBNN, Bi-ViT): signs and scales.</summary>
internal sealed class BinarizeOnnx : IOnnxMethod
{
    public string Annotation => "binarize";

    public IReadOnlyList<ITransformLowering> Transforms { get; } = new ITransformLowering[]
    {
        new SignLowering(),
        new ScaledSignLowering(),
        new BinaryWeightLowering<MeanScaledSignWeight>(),
        new BinaryWeightLowering<ReBnnWeight>(),
    };

    public IReadOnlyList<ICallLowering> Calls { get; } = new ICallLowering[0];
}
