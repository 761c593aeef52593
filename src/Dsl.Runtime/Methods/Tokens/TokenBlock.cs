using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// One block's token reduction (DiffRate), run after the block's attention residual. Tokens
/// are sorted by class attention (class token first); the first kept-after-pruning stay, and
/// those past kept-after-merging are merged, size-weighted, into their most similar kept token
/// (cosine similarity; never the class token).
///
/// Fixed counts, or any counts in eval mode: tokens really leave the sequence. Learned counts
/// in training: for pruning and for merging, logits over the candidates [P, P − g, P − 2g, …]
/// (P patches) give kept = ⌈Σ softmax·c⌉ + 1, the ceiling passed straight through; removed
/// tokens stay in the sequence but are masked out of the next attention, and the mask
/// (hard − p.detach() + p, p the probability of keeping each position) carries the gradient.
/// </summary>
public sealed class TokenBlock : nn.Module<Tensor, Tensor>
{
    private readonly Parameter? prune_logits;
    private readonly Parameter? merge_logits;
    private readonly float[] _candidates = Array.Empty<float>();
    private long _prune;
    private long _merge;
    private bool _fixedOverLearned;

    internal TokenBlock(TokenState state, long prune, long merge, TokenCost? cost) : base(nameof(TokenBlock))
    {
        if (prune < 1 || merge < 1) throw new ArgumentOutOfRangeException(nameof(prune), "a block keeps at least the class token");
        State = state;
        Cost = cost;
        (_prune, _merge) = (prune, merge);
        RegisterComponents();
        state.Register(this);
    }

    internal TokenBlock(TokenState state, TokenCost cost, long patches, long granularity, string reduce) : base(nameof(TokenBlock))
    {
        if (granularity < 1) throw new ArgumentOutOfRangeException(nameof(granularity), granularity, "granularity is at least 1");
        if (reduce is not ("both" or "prune" or "merge")) throw new ArgumentException($"reduce is both, prune or merge, not '{reduce}'", nameof(reduce));
        State = state;
        Cost = cost;
        _candidates = Enumerable.Range(0, (int)((patches + granularity - 1) / granularity)).Select(i => (float)(patches - i * granularity)).ToArray();
        // A reduction that does not learn keeps every token.
        (_prune, _merge) = (patches + 1, patches + 1);
        if (reduce != "merge") prune_logits = new Parameter(zeros(_candidates.Length));
        if (reduce != "prune") merge_logits = new Parameter(zeros(_candidates.Length));
        RegisterComponents();
        state.Register(this);
    }

    public TokenState State { get; }
    public TokenCost? Cost { get; }

    /// <summary>Whether this block's counts are learned (and not overridden by <see cref="Fix"/>).</summary>
    public bool Learns => (prune_logits ?? merge_logits) is not null && !_fixedOverLearned;

    /// <summary>Tokens kept after pruning, class token included (learned: the current rounded choice).</summary>
    public long KeptPrune => Learns && prune_logits is not null ? Hard(prune_logits) : _prune;

    /// <summary>Tokens kept after merging, class token included.</summary>
    public long KeptMerge => Learns && merge_logits is not null ? Hard(merge_logits) : _merge;

    /// <summary>Uses these counts from now on, learned or not: to deploy a schedule, or to compare another one.</summary>
    public void Fix(long prune, long merge)
    {
        if (prune < 1 || merge < 1) throw new ArgumentOutOfRangeException(nameof(prune), "a block keeps at least the class token");
        (_prune, _merge) = (prune, merge);
        _fixedOverLearned = (prune_logits ?? merge_logits) is not null;
    }

    /// <summary>Reduces <paramref name="x"/> under <paramref name="block"/>'s schedule; without one, returns it unchanged.</summary>
    public static Tensor Reduce(TokenBlock? block, Tensor x) => block == null ? x : block.forward(x);

    public override Tensor forward(Tensor x)
    {
        var classAttention = State.ClassAttention
            ?? throw new InvalidOperationException("a token reduction runs after its block's attention, which records the class attention");
        var sizes = State.Sizes ?? throw new InvalidOperationException("the token stack was not started (TokenState.Start)");
        var (batch, tokens) = (x.shape[0], x.shape[1]);
        // A block that removes nothing leaves the tokens as they are: sorting would only
        // reorder them, which attention does not see.
        if (State.Mask is null && tokens <= KeptPrune && tokens <= KeptMerge) return x;

        var order = classAttention.argsort(dim: 1, descending: true) + 1;
        var index = cat(new[] { zeros(batch, 1, dtype: ScalarType.Int64, device: x.device), order }, 1);
        if (State.Mask is { } mask) return Masked(Rows(x, index), Rows(sizes, index), mask.gather(1, index));

        // Eval, or fixed counts: only the kept tokens are gathered.
        var kept = Math.Min(tokens, KeptPrune);
        index = index.narrow(1, 0, kept);
        (x, sizes) = (Rows(x, index), Rows(sizes, index));
        var merged = Math.Min(kept, KeptMerge);
        if (merged < kept) (x, sizes) = MergeInto(x, sizes, merged, keepSources: false);
        State.Merged |= merged < kept;
        State.Sizes = sizes;
        return x;
    }

    /// <summary>
    /// x[b, index[b, j], :] for x [B, T, C] and index [B, T']: rows of the flattened [B·T, C]
    /// tensor, as index_select is about ten times faster on the CPU than gather with an index
    /// expanded over the channels.
    /// </summary>
    private static Tensor Rows(Tensor x, Tensor index)
    {
        var (batch, tokens, channels) = (x.shape[0], x.shape[1], x.shape[2]);
        var rows = (index + arange(batch, device: x.device).unsqueeze(1) * tokens).flatten();
        return x.reshape(-1, channels).index_select(0, rows).reshape(batch, index.shape[1], channels);
    }

    // Training with learned counts: nothing leaves; removed tokens are masked for what follows.
    private Tensor Masked(Tensor x, Tensor sizes, Tensor mask)
    {
        // The mask's values are whole numbers up to rounding (hard − p + p).
        var active = (long)Math.Round(mask[0].sum().item<float>());
        var prune = Math.Min(active, KeptPrune);
        // A learning reduction masks even when its current choice keeps every token: the keep
        // probabilities in hard − p.detach() + p are how its logits learn to keep fewer.
        var pruneLogits = Learns ? prune_logits : null;
        if (prune < active || pruneLogits is not null) mask = mask * KeepMask(pruneLogits, prune, active, x.shape[1], x.device);
        var merge = KeptMerge;
        if (merge < prune)
        {
            var (head, headSizes) = MergeInto(x.narrow(1, 0, prune), sizes.narrow(1, 0, prune), merge, keepSources: true);
            x = cat(new[] { head, x.narrow(1, prune, x.shape[1] - prune) }, 1);
            sizes = cat(new[] { headSizes, sizes.narrow(1, prune, sizes.shape[1] - prune) }, 1);
            State.Merged = true;
        }
        var mergeLogits = Learns ? merge_logits : null;
        if (merge < prune || mergeLogits is not null) mask = mask * KeepMask(mergeLogits, merge, prune, x.shape[1], x.device);
        State.Sizes = sizes;
        State.Mask = mask;
        return x;
    }

    /// <summary>1 before <paramref name="kept"/>, 0 from it up to <paramref name="limit"/>; the gradient flows through each position's keep probability.</summary>
    private Tensor KeepMask(Parameter? logits, long kept, long limit, long tokens, Device device)
    {
        var hard = ones(tokens, device: device);
        hard[TensorIndex.Slice(kept, limit)] = 0;
        if (logits is null) return hard.unsqueeze(0);
        var probability = KeepProbability(logits, tokens, device);
        return (hard - probability.detach() + probability).unsqueeze(0);
    }

    /// <summary>p_i: the probability mass of the candidates that keep position i (the class token always).</summary>
    internal Tensor KeepProbability(Parameter logits, long tokens, Device device)
    {
        var candidates = tensor(_candidates, device: device);
        var positions = arange(tokens, device: device).to_type(ScalarType.Float32).unsqueeze(1);
        var keeps = positions.lt(candidates.unsqueeze(0) + 1).to_type(ScalarType.Float32);
        return keeps.matmul(logits.softmax(0));
    }

    /// <summary>Expected kept counts, ⌈Σ softmax·c⌉ + 1 with a straight-through ceiling; the fixed counts for a fixed block.</summary>
    public (Tensor Prune, Tensor Merge) ExpectedKept(Device device) =>
        (Learns && prune_logits is not null ? Expected(prune_logits, device) : tensor((double)_prune, device: device),
         Learns && merge_logits is not null ? Expected(merge_logits, device) : tensor((double)_merge, device: device));

    private Tensor Expected(Parameter logits, Device device)
    {
        // In float64, with the ceiling taken a hair below each whole number, so rounding in the
        // softmax or the sum never turns an exact count into the next one: uniform logits over
        // [196, 192, ..., 4] expect exactly 100 tokens and keep 101.
        var expectation = tensor(_candidates.Select(c => (double)c).ToArray(), device: device).matmul(logits.softmax(0).to_type(ScalarType.Float64));
        var ceiling = (expectation - 1e-6).ceil();
        return expectation + (ceiling - expectation).detach() + 1;
    }

    private long Hard(Parameter logits)
    {
        using var noGrad = no_grad();
        using var expected = Expected(logits, logits.device);
        return (long)expected.item<double>();
    }

    /// <summary>
    /// Bipartite merging: the first <paramref name="kept"/> tokens are destinations, the rest
    /// join the most similar of them but the class token, size-weighted (with only the class
    /// token kept, they are dropped). With <paramref name="keepSources"/> the sources stay after
    /// the destinations (to be masked); otherwise they are gone.
    /// </summary>
    private static (Tensor X, Tensor Sizes) MergeInto(Tensor x, Tensor sizes, long kept, bool keepSources)
    {
        var (batch, channels) = (x.shape[0], x.shape[2]);
        var sources = x.shape[1] - kept;
        if (kept == 1) return keepSources ? (x, sizes) : (x.narrow(1, 0, 1), sizes.narrow(1, 0, 1));
        Tensor rows;
        using (no_grad())
        {
            var metric = x / x.norm(-1, keepdim: true);
            var similarity = metric.narrow(1, kept, sources).matmul(metric.narrow(1, 1, kept - 1).transpose(1, 2));
            // Destination j + 1 of each image, as a row of the flattened [B·kept, C] destinations.
            rows = (similarity.argmax(-1) + 1 + arange(batch, device: x.device).unsqueeze(1) * kept).flatten();
        }
        var (destinations, destinationSizes) = (x.narrow(1, 0, kept), sizes.narrow(1, 0, kept));
        var (moving, movingSizes) = (x.narrow(1, kept, sources), sizes.narrow(1, kept, sources));
        var weighted = (destinations * destinationSizes).reshape(-1, channels)
            .index_add(0, rows, (moving * movingSizes).reshape(-1, channels), 1).reshape(batch, kept, channels);
        var total = destinationSizes.reshape(-1, 1).index_add(0, rows, movingSizes.reshape(-1, 1), 1).reshape(batch, kept, 1);
        var merged = weighted / total;
        return keepSources
            ? (cat(new[] { merged, moving }, 1), cat(new[] { total, movingSizes }, 1))
            : (merged, total);
    }
}
