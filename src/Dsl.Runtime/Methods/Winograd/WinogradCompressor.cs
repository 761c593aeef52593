using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Winograd;

/// <summary>@winograd: the conv3d layers it reaches become <see cref="WinogradLayer"/>s with their pruning schedule.</summary>
public sealed class WinogradCompressor : LowBit.Compressor
{
    private readonly int _tile;
    private readonly string _mode;
    private readonly long _rank;
    private readonly long? _keep;
    private readonly long _pruneEpochs;

    public WinogradCompressor(long tile, string mode, long rank, long? keep, long pruneEpochs)
    {
        WinogradTransforms.For((int)tile);
        (_tile, _mode, _rank, _keep, _pruneEpochs) = ((int)tile, mode, rank, keep, pruneEpochs);
    }

    public override nn.Module<Tensor, Tensor> Layer(nn.Module<Tensor, Tensor> layer) =>
        new WinogradLayer(layer, _tile, _mode, _rank, new PruningSchedule(_keep, _pruneEpochs));
}
