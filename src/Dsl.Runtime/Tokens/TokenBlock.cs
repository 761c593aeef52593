using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// One block's token reduction (DiffRate), run after the block's attention residual: tokens
/// are sorted by class attention (class token first), the first <see cref="Prune"/> are kept,
/// and the tokens past <see cref="Merge"/> are merged, size-weighted, into their most similar
/// kept token (cosine similarity; never the class token). Tokens really leave the sequence.
/// </summary>
public sealed class TokenBlock
{
    public TokenBlock(TokenState state, long prune, long merge)
    {
        if (prune < 1 || merge < 1) throw new ArgumentOutOfRangeException(nameof(prune), "a block keeps at least the class token");
        State = state;
        Prune = prune;
        Merge = merge;
    }

    public TokenState State { get; }
    public long Prune { get; }
    public long Merge { get; }

    /// <summary>Reduces <paramref name="x"/> under <paramref name="block"/>'s schedule; without one, returns it unchanged.</summary>
    public static Tensor Reduce(TokenBlock? block, Tensor x) => block == null ? x : block.Reduce(x);

    public Tensor Reduce(Tensor x)
    {
        var classAttention = State.ClassAttention
            ?? throw new InvalidOperationException("a token reduction runs after its block's attention, which records the class attention");
        var sizes = State.Sizes ?? throw new InvalidOperationException("the token stack was not started (TokenState.Start)");
        var (batch, tokens, channels) = (x.shape[0], x.shape[1], x.shape[2]);

        var order = classAttention.argsort(dim: 1, descending: true) + 1;
        var index = cat(new[] { zeros(batch, 1, dtype: ScalarType.Int64, device: x.device), order }, 1);
        x = x.gather(1, index.unsqueeze(-1).expand(-1, -1, channels));
        sizes = sizes.gather(1, index.unsqueeze(-1));

        var kept = Math.Min(tokens, Prune);
        x = x.narrow(1, 0, kept);
        sizes = sizes.narrow(1, 0, kept);
        var merged = Math.Min(kept, Merge);
        if (merged < kept) (x, sizes) = MergeInto(x, sizes, merged);
        State.Sizes = sizes;
        return x;
    }

    /// <summary>Bipartite merging: the first <paramref name="kept"/> tokens are destinations, the rest join them.</summary>
    private static (Tensor X, Tensor Sizes) MergeInto(Tensor x, Tensor sizes, long kept)
    {
        var channels = x.shape[2];
        Tensor target;
        using (no_grad())
        {
            var metric = x / x.norm(-1, keepdim: true);
            var similarity = metric.narrow(1, kept, x.shape[1] - kept).matmul(metric.narrow(1, 0, kept).transpose(1, 2));
            similarity[TensorIndex.Ellipsis, 0] = double.NegativeInfinity;
            target = similarity.argmax(-1);
        }
        var sourceSizes = sizes.narrow(1, kept, x.shape[1] - kept);
        var weighted = (x.narrow(1, 0, kept) * sizes.narrow(1, 0, kept))
            .scatter_add(1, target.unsqueeze(-1).expand(-1, -1, channels), x.narrow(1, kept, x.shape[1] - kept) * sourceSizes);
        var total = sizes.narrow(1, 0, kept).scatter_add(1, target.unsqueeze(-1), sourceSizes);
        return (weighted / total, total);
    }
}
