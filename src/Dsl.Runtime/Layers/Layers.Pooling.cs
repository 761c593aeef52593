using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

public static partial class Layers
{
    public static nn.Module<Tensor, Tensor> MaxPool2d(Sizes kernel, Sizes stride = default, Sizes padding = default, Sizes dilation = default, bool ceilMode = false) =>
        nn.MaxPool2d(kernel.For(2, 0), stride.IsDefault ? kernel.For(2, 0) : stride.For(2, 1), padding.For(2, 0), dilation.For(2, 1), ceilMode);

    public static nn.Module<Tensor, Tensor> MaxPool3d(Sizes kernel, Sizes stride = default, Sizes padding = default, Sizes dilation = default, bool ceilMode = false) =>
        nn.MaxPool3d(kernel.For(3, 0), stride.IsDefault ? kernel.For(3, 0) : stride.For(3, 1), padding.For(3, 0), dilation.For(3, 1), ceilMode);

    public static nn.Module<Tensor, Tensor> AvgPool2d(Sizes kernel, Sizes stride = default, Sizes padding = default, bool ceilMode = false, bool countIncludePad = true) =>
        nn.AvgPool2d(kernel.For(2, 0), stride.IsDefault ? kernel.For(2, 0) : stride.For(2, 1), padding.For(2, 0), ceilMode, countIncludePad);

    public static nn.Module<Tensor, Tensor> AdaptiveAvgPool2d(Sizes outputSize) => nn.AdaptiveAvgPool2d(outputSize.For(2, 1));

    public static nn.Module<Tensor, Tensor> AdaptiveAvgPool3d(Sizes outputSize) => nn.AdaptiveAvgPool3d(outputSize.For(3, 1));
}
