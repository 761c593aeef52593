using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// What the blocks of one @tokens stack share during a forward pass (DiffRate): how many
/// original patches each token stands for, and the class attention of the latest attention.
/// </summary>
public sealed class TokenState
{
    /// <summary>Tokens' sizes [B, T, 1]: 1 for a patch, the sum of the sizes merged into it after merging.</summary>
    public Tensor? Sizes { get; internal set; }

    /// <summary>Attention from the class token to every patch token, averaged over heads: [B, T - 1].</summary>
    public Tensor? ClassAttention { get; internal set; }

    /// <summary>Starts a forward pass through the stack: every token is one patch.</summary>
    public Tensor Start(Tensor x)
    {
        Sizes = ones(x.shape[0], x.shape[1], 1, dtype: x.dtype, device: x.device);
        ClassAttention = null;
        return x;
    }

    /// <summary>One block's schedule: tokens kept after pruning and after merging, class token included.</summary>
    public TokenBlock Block(long prune, long merge) => new(this, prune, merge);
}
