using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Ptq;

/// <summary>@ptq: the layers it reaches become <see cref="PtqLayer"/>s, full precision until calibrated.</summary>
public sealed class PtqCompressor : LowBit.Compressor
{
    private readonly PtqOptions _options;

    public PtqCompressor(PtqOptions options)
    {
        options.Check();
        _options = options;
    }

    public override nn.Module<Tensor, Tensor> Layer(nn.Module<Tensor, Tensor> layer) => new PtqLayer(layer, _options);
}
