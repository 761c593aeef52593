using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// What the blocks of one @tokens stack share during a forward pass (DiffRate): how many
/// original patches each token stands for, the class attention of the latest attention, and
/// while rates are learned, the soft keep mask and the kept counts each block chose.
/// </summary>
public sealed class TokenState : Training.ITrainingContributor
{
    private readonly List<TokenBlock> _blocks = new();

    /// <param name="fixedMacs">MACs outside the stack's blocks (patch embedding, classifier, ...), for the expected cost.</param>
    /// <param name="targetMacs">The MACs the learned rates aim at; 0 for fixed rates.</param>
    public TokenState(double fixedMacs = 0, double targetMacs = 0)
    {
        FixedMacs = fixedMacs;
        TargetMacs = targetMacs;
    }

    public double FixedMacs { get; }
    public double TargetMacs { get; }

    /// <summary>Tokens' sizes [B, T, 1]: 1 for a patch, the sum of the sizes merged into it after merging.</summary>
    public Tensor? Sizes { get; internal set; }

    /// <summary>Whether a merge has run in this pass: until then every size is 1 and proportional attention adds nothing.</summary>
    public bool Merged { get; internal set; }

    /// <summary>Attention from the class token to every patch token, averaged over heads: [B, T - 1].</summary>
    public Tensor? ClassAttention { get; internal set; }

    /// <summary>While learning rates: 1 for tokens still in play, 0 (with a gradient) for removed ones: [B, T].</summary>
    public Tensor? Mask { get; internal set; }

    /// <summary>Tokens entering the stack, class token included.</summary>
    public long Tokens { get; private set; }

    public IReadOnlyList<TokenBlock> Blocks => _blocks;

    internal void Register(TokenBlock block) => _blocks.Add(block);

    /// <summary>λ of DiffRate's cost term (<see cref="TokenRateLoss"/>) when the trainer adds it.</summary>
    public double Lambda { get; set; } = 5;

    /// <summary>Epochs at the start that learn the rates from the task loss alone, before the cost term (the reference code's warm-up).</summary>
    public int WarmupEpochs { get; set; }

    /// <summary>Learned rates train with DiffRate's cost term, <see cref="TokenRateLoss"/>, set by <see cref="Lambda"/> and <see cref="WarmupEpochs"/>; fixed ones need nothing.</summary>
    public IEnumerable<Training.TrainingHook> Contributions(TorchSharp.torch.nn.Module<Tensor, Tensor> model, System.IO.TextWriter log) =>
        TargetMacs > 0 ? new Training.TrainingHook[] { new TokenRateLoss(this, Lambda, log: log, warmupEpochs: WarmupEpochs) } : Array.Empty<Training.TrainingHook>();

    /// <summary>Starts a forward pass through the stack: every token is one patch.</summary>
    public Tensor Start(Tensor x)
    {
        Tokens = x.shape[1];
        Sizes = ones(x.shape[0], x.shape[1], 1, dtype: x.dtype, device: x.device);
        ClassAttention = null;
        Merged = false;
        Mask = _blocks.Any(b => b.Learns) && _blocks[0].training ? ones(x.shape[0], x.shape[1], dtype: x.dtype, device: x.device) : null;
        return x;
    }

    /// <summary>One block's fixed schedule: tokens kept after pruning and after merging, class token included.</summary>
    public TokenBlock Block(long prune, long merge, TokenCost? cost = null) => new(this, prune, merge, cost);

    /// <summary>One block whose kept counts are learned, with the per-token costs of its layers; <paramref name="reduce"/> says which reductions learn (both, prune or merge).</summary>
    public TokenBlock Learned(long patches, long granularity, TokenCost cost, string reduce = "both") => new(this, cost, patches, granularity, reduce);

    /// <summary>
    /// Expected MACs per image under the current (soft) kept counts, differentiable in the rate
    /// logits: per block, the layers before the reduction on N tokens, then N ← min(N, prune,
    /// merge), then the layers after it.
    /// </summary>
    public Tensor ExpectedMacs()
    {
        var device = _blocks.SelectMany(b => b.parameters()).Select(p => p.device).FirstOrDefault() ?? CPU;
        var n = tensor((double)Tokens, device: device);
        var total = tensor(FixedMacs, device: device);
        foreach (var block in _blocks)
        {
            var cost = block.Cost ?? throw new InvalidOperationException("expected MACs need every block's TokenCost (a learned @tokens stack has them)");
            total = total + cost.PerToken * n + cost.PerTokenPair * n * n;
            var (prune, merge) = block.ExpectedKept(device);
            n = minimum(n, minimum(prune, merge));
            total = total + cost.PerTokenAfter * n;
        }
        return total;
    }

    /// <summary>Fixes every block's counts (see <see cref="TokenBlock.Fix"/>).</summary>
    public void Fix(IReadOnlyList<long> prune, IReadOnlyList<long> merge)
    {
        if (prune.Count != _blocks.Count || merge.Count != _blocks.Count)
            throw new ArgumentException($"a schedule needs one count per block ({_blocks.Count})");
        for (var i = 0; i < _blocks.Count; i++) _blocks[i].Fix(prune[i], merge[i]);
    }

    /// <summary>
    /// The kept counts now in effect, as the fixed schedule to paste into the .cmodel file: a
    /// block keeps at most the tokens it receives, so the lists never increase.
    /// </summary>
    public string Schedule()
    {
        var (prune, merge) = (new List<long>(), new List<long>());
        var tokens = Tokens > 0 ? Tokens : long.MaxValue;
        foreach (var block in _blocks)
        {
            prune.Add(Math.Min(tokens, block.KeptPrune));
            merge.Add(Math.Min(prune[^1], block.KeptMerge));
            tokens = merge[^1];
        }
        string List(IEnumerable<long> counts) => string.Join(", ", counts.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        return $"@tokens(prune: [{List(prune)}], merge: [{List(merge)}])";
    }
}

/// <summary>A block's MACs as a function of its tokens N: before the reduction PerToken·N + PerTokenPair·N², after it PerTokenAfter·N.</summary>
public sealed record TokenCost(double PerToken, double PerTokenPair, double PerTokenAfter);
