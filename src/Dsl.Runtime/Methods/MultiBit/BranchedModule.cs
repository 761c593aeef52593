using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.MultiBit;

/// <summary>
/// A part of a @multibit body that runs differently at each bit-width (a layer, a switchable
/// BatchNorm): each copy of the batch goes through its branch of the current width's plan
/// (<see cref="BranchedBatch"/>).
/// </summary>
public abstract class BranchedModule : nn.Module<Tensor, Tensor>
{
    protected BranchedModule(string name, MultiBitWidths widths) : base(name)
    {
        Widths = widths;
        Bits = widths.Max;
    }

    public MultiBitWidths Widths { get; }

    /// <summary>The width it runs at: the highest until <see cref="Use"/> switches it.</summary>
    protected long Bits { get; private set; }

    /// <summary>Runs at <paramref name="bits"/> from the next forward pass on.</summary>
    public void Use(long bits)
    {
        Widths.IndexOf(bits);
        Bits = bits;
    }

    public sealed override Tensor forward(Tensor x) => BranchedBatch.Each(x, Widths.Plan(Bits), Run);

    /// <summary>One copy of the batch through the branch <paramref name="use"/> names (half of it for half a branch).</summary>
    protected abstract Tensor Run(Tensor x, BranchUse use);
}
