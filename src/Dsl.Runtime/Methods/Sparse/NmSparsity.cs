using System;
using System.Linq;
using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Sparse;

/// <summary>
/// @sparse's weight transform: the forward value w ⊙ mask_f, with the N:M forward mask
/// recomputed from |w| at every training step, a dense gradient plus the decay λ·(1 − mask_f)⊙w
/// on the pruned weights, and (bimask, transposable) the backward mask the layer's input
/// gradient runs through. Bi-Mask searches a permutation of the output channels every
/// <c>interval</c> training steps, keeping the candidate (the current one included) with the
/// most weights surviving both masks. The masks and the permutation are buffers, so checkpoints
/// hold them.
/// </summary>
public sealed class NmSparsity : nn.Module<Tensor, Tensor>, IInputGradientMask
{
    private readonly long _n;
    private readonly long _m;
    private readonly string _method;
    private readonly long _interval;
    private readonly long _candidates;
    private readonly double _decay;
    private readonly Generator _search;
    private readonly Tensor forward_mask;
    private readonly Tensor backward_mask;
    private readonly Tensor permutation;
    private long _steps;

    /// <param name="weight">The layer's weight, [C_out, ...]: the masks take its shape.</param>
    public NmSparsity(Tensor weight, long n, long m, string method, long interval, long candidates, double decay, ulong seed = 0) : base(nameof(NmSparsity))
    {
        if (n < 1 || n >= m) throw new ArgumentOutOfRangeException(nameof(n), n, $"N:M sparsity keeps 1 ≤ N < M weights of every M, not {n}:{m}");
        if (method is not ("bimask" or "forward" or "transposable")) throw new ArgumentException($"method is bimask, forward or transposable, not '{method}'", nameof(method));
        var (rows, reduced) = (weight.shape[0], weight.numel() / weight.shape[0]);
        if (reduced % m != 0) throw new ArgumentException($"each output sums {reduced} weights, not a multiple of M = {m}", nameof(weight));
        if (method != "forward" && rows % m != 0) throw new ArgumentException($"{method} groups the {rows} output channels by M = {m}", nameof(weight));
        (_n, _m, _method, _interval, _candidates, _decay) = (n, m, method, interval, candidates, decay);
        _search = new Generator(seed);
        forward_mask = ones_like(weight, requires_grad: false);
        backward_mask = ones_like(weight, requires_grad: false);
        permutation = arange(rows, dtype: ScalarType.Int64);
        RegisterComponents();
        Update(weight);
    }

    /// <summary>M: the size of the groups the masks keep N of.</summary>
    public long GroupSize => _m;

    /// <summary>1 where a weight is kept in the forward product.</summary>
    public Tensor ForwardMask => forward_mask;

    /// <summary>1 where a weight takes part in the input gradient (the forward mask for method: forward).</summary>
    public Tensor BackwardMask => backward_mask;

    /// <summary>The output-channel order Bi-Mask's backward mask groups by M.</summary>
    public Tensor Permutation => permutation;

    public Tensor? InputGradientMask => _method == "forward" || DenseBackward ? null : backward_mask;

    /// <summary>While set, the input gradient runs through the forward mask as method: forward's does (<see cref="GradientGap"/> compares the two).</summary>
    internal bool DenseBackward { get; set; }

    /// <summary>How many permutation searches have run (one every <c>interval</c> training steps, none at the first).</summary>
    public int Searches { get; private set; }

    public override Tensor forward(Tensor weight)
    {
        if (training)
        {
            if (_method == "bimask" && _steps > 0 && _steps % _interval == 0) SearchPermutation(weight);
            Update(weight);
            _steps++;
        }
        return DecayedMask.apply(weight, forward_mask, _decay);
    }

    /// <summary>Recomputes the masks from the current weights.</summary>
    private void Update(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (forwardMask, backwardMask) = Masks(weight, permutation);
        forward_mask.copy_(forwardMask);
        backward_mask.copy_(backwardMask);
    }

    private (Tensor Forward, Tensor Backward) Masks(Tensor weight, Tensor order)
    {
        var rows = weight.shape[0];
        var flat = weight.detach().reshape(rows, -1);
        if (_method == "transposable")
        {
            var both = NmMasks.Transposable(flat, _n, _m);
            return (both.reshape(weight.shape), both.reshape(weight.shape));
        }
        var forwardMask = NmMasks.Forward(flat, _n, _m);
        var backwardMask = _method == "bimask" ? NmMasks.Backward(flat, forwardMask, order, _n, _m) : forwardMask;
        return (forwardMask.reshape(weight.shape), backwardMask.reshape(weight.shape));
    }

    /// <summary>Tries random permutations and keeps the one (the current one among them) with the most weights in both masks.</summary>
    private void SearchPermutation(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = weight.shape[0];
        var best = permutation.clone();
        var bestCount = Surviving(weight, best);
        for (var i = 0; i < _candidates; i++)
        {
            var candidate = randperm(rows, generator: _search, device: permutation.device);
            var count = Surviving(weight, candidate);
            if (count > bestCount) (best, bestCount) = (candidate, count);
        }
        permutation.copy_(best);
        Searches++;
    }

    private long Surviving(Tensor weight, Tensor order)
    {
        var (forwardMask, backwardMask) = Masks(weight, order);
        return NmMasks.Surviving(forwardMask, backwardMask);
    }

    /// <summary>w ⊙ mask forward; backward the dense gradient plus λ·(1 − mask)⊙w.</summary>
    private sealed class DecayedMask : torch.autograd.SingleTensorFunction<DecayedMask>
    {
        public override string Name => nameof(DecayedMask);

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var (weight, mask, decay) = ((Tensor)vars[0], (Tensor)vars[1], (double)vars[2]);
            ctx.save_for_backward(new() { weight, mask });
            ctx.save_data("decay", decay);
            return weight * mask;
        }

        public override System.Collections.Generic.List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad)
        {
            var saved = ctx.get_saved_variables();
            var (weight, mask, decay) = (saved[0], saved[1], (double)ctx.get_data("decay"));
            return new() { decay == 0 ? grad : grad + decay * (1 - mask) * weight, null!, null! };
        }
    }
}
