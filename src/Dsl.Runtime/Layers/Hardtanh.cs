using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// clamp(x, min, max). TorchSharp 0.107's own Hardtanh (module and functional) leaks natively
/// about three activation-sized tensors a training step, outside any dispose scope (measured:
/// 10 MB a step on a 64×16×28×28 activation); clamp computes the same forward and does not.
/// Its gradient passes at x = min and x = max too, where PyTorch's hardtanh gives 0.
/// </summary>
public sealed class Hardtanh : nn.Module<Tensor, Tensor>
{
    private readonly double _min;
    private readonly double _max;

    public Hardtanh(double min, double max) : base(nameof(Hardtanh))
    {
        _min = min;
        _max = max;
    }

    public override Tensor forward(Tensor x) => x.clamp(_min, _max);
}
