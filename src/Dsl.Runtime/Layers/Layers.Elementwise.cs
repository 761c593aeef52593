using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

public static partial class Layers
{
    public static nn.Module<Tensor, Tensor> Relu() => nn.ReLU();

    public static nn.Module<Tensor, Tensor> Relu6() => new Hardtanh(0, 6);

    public static nn.Module<Tensor, Tensor> Hardswish() => nn.Hardswish();

    public static nn.Module<Tensor, Tensor> DropPath(double p) => new DropPath(p);

    public static nn.Module<Tensor, Tensor> LeakyRelu(double negativeSlope = 0.01) => nn.LeakyReLU(negativeSlope);

    public static nn.Module<Tensor, Tensor> Gelu(string approximate = "none") => approximate switch
    {
        "none" => nn.GELU(),
        "tanh" => nn.GELU(TorchSharp.Modules.GELU.Approximate.tanh),
        _ => throw new ArgumentException($"unknown approximate '{approximate}'", nameof(approximate)),
    };

    public static nn.Module<Tensor, Tensor> Silu() => nn.SiLU();

    public static nn.Module<Tensor, Tensor> Sigmoid() => nn.Sigmoid();

    public static nn.Module<Tensor, Tensor> Tanh() => nn.Tanh();

    public static nn.Module<Tensor, Tensor> Hardtanh(double minVal = -1, double maxVal = 1) => new Hardtanh(minVal, maxVal);

    public static nn.Module<Tensor, Tensor> Softmax(long dim = -1) => nn.Softmax(dim);

    public static nn.Module<Tensor, Tensor> Dropout(double p = 0.5) => nn.Dropout(p);

    public static nn.Module<Tensor, Tensor> Prelu(long numParameters = 1, double init = 0.25) => nn.PReLU(numParameters, init);

    public static nn.Module<Tensor, Tensor> LearnableBias(long channels) => new LearnableBias(channels);
}
