using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.MultiBit;

/// <summary>@multibit's conversion: linear and convolution layers become <see cref="MultiBitLayer"/>s, BatchNorms <see cref="SwitchableBatchNorm"/>s.</summary>
public sealed class MultiBitCompressor : Compressor
{
    public MultiBitCompressor(MultiBitWidths widths) => Widths = widths;

    public MultiBitWidths Widths { get; }

    public override nn.Module<Tensor, Tensor> Layer(nn.Module<Tensor, Tensor> layer) => new MultiBitLayer(layer, Widths);

    public override nn.Module<Tensor, Tensor> BatchNorm(long features, double eps, double momentum, bool affine) =>
        new SwitchableBatchNorm(features, eps, momentum, affine, Widths);
}
