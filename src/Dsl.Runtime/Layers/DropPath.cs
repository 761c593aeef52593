using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// Stochastic depth (timm's DropPath): in training, each sample's branch is kept with
/// probability 1 − p and scaled by 1/(1 − p), so its expectation is unchanged; in eval, the
/// identity. Put it on a residual branch: <c>h = x + (x -> attention(6) -> drop_path(0.1))</c>.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    private readonly double _p;

    public DropPath(double p) : base(nameof(DropPath)) => _p = p;

    public override Tensor forward(Tensor x)
    {
        if (!training || _p == 0) return x.alias();
        var keep = 1 - _p;
        var shape = new long[x.dim()];
        System.Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        using var mask = empty(shape, x.dtype, x.device).bernoulli_(keep);
        return x * mask / keep;
    }
}
