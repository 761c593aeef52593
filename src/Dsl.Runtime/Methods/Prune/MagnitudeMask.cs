using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Prune;

/// <summary>
/// @prune's weight transform: w with its round(amount·n) smallest |w| set to zero, chosen anew
/// from the current weights in every forward. The mask is a constant of the step, so a pruned
/// weight gets no gradient.
/// </summary>
public sealed class MagnitudeMask : nn.Module<Tensor, Tensor>
{
    private readonly double _amount;

    public MagnitudeMask(double amount) : base(nameof(MagnitudeMask))
    {
        if (amount is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(amount), amount, "the fraction of weights to prune is at least 0 and below 1");
        _amount = amount;
    }

    /// <summary>How many of <paramref name="count"/> weights are pruned: round(amount·n), halves away from zero.</summary>
    public long Pruned(long count) => (long)Math.Round(_amount * count, MidpointRounding.AwayFromZero);

    public override Tensor forward(Tensor w)
    {
        var pruned = Pruned(w.numel());
        if (pruned == 0) return w;
        using var scope = NewDisposeScope();
        Tensor mask;
        using (no_grad())
        {
            // The indices of the smallest |w|; ties go to the first in memory order (topk's).
            var smallest = w.abs().flatten().topk((int)pruned, largest: false).indexes;
            mask = ones(w.numel(), dtype: w.dtype, device: w.device).index_fill_(0, smallest, 0).reshape(w.shape);
        }
        return (w * mask).MoveToOuterDisposeScope();
    }
}
