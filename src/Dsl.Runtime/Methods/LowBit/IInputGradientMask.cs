using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// A weight transform whose layer's input gradient runs through a sparser weight than its
/// forward product (Bi-Mask's backward mask): <see cref="LowBitLayer"/> computes dL/dx with
/// weight ⊙ mask, while the weight gradient stays that of the forward product.
/// </summary>
public interface IInputGradientMask
{
    /// <summary>The mask on the (transformed) weight for the input gradient; null: the forward weight's.</summary>
    Tensor? InputGradientMask { get; }
}
