using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// sign(w) scaled per output channel by the channel's mean |w| (detached), with the gradient
/// passed straight through inside |w| ≤ 1: XNOR-Net's weights, the plain baseline, and Bi-ViT's
/// Bi-Real weights.
/// </summary>
public sealed class MeanScaledSignWeight : nn.Module<Tensor, Tensor>
{
    private readonly long _channelAxis;

    public MeanScaledSignWeight(long channelAxis) : base(nameof(MeanScaledSignWeight)) => _channelAxis = channelAxis;

    public override Tensor forward(Tensor w)
    {
        var scale = ChannelAxis.Broadcast(ChannelAxis.Reduce(w.detach().abs(), _channelAxis, (t, dims) => t.mean(dims)), w, _channelAxis);
        return scale * Ste.Sign(w, w.clamp(-1, 1));
    }
}

/// <summary>
/// ReBNN's weights: ŵ = s·sign(w) with s = factor·|α|, α a learnable scale per output channel.
/// Its backward adds the reconstruction term (γ/2)·‖w − s·b‖² (b = sign w) to the task loss:
/// ∂w = g·s + γ·(w − s·b) (straight through, no clipping) and ∂s = Σ g·b − γ·Σ (w − s·b)·b per
/// channel. γ is constant, or adaptive as in the paper: per channel, the fraction of its
/// weights whose sign flipped since the previous training step times max |g| over the channel,
/// so γ is 0 while no sign flips. α is initialised to the channel's mean |w| / factor at the
/// first forward, so weights loaded after construction (a full-precision checkpoint) set it
/// and the first step's flips count from them.
/// </summary>
public sealed class ReBnnWeight : nn.Module<Tensor, Tensor>
{
    private readonly Parameter alpha;
    private readonly Tensor previous_sign;
    private readonly Tensor initialized;
    private readonly long _channelAxis;
    private readonly double _factor;
    private readonly bool _adaptive;
    private readonly double _gamma;

    public ReBnnWeight(Tensor weight, long channelAxis, double factor, bool adaptive, double gamma) : base(nameof(ReBnnWeight))
    {
        if (factor <= 0) throw new ArgumentOutOfRangeException(nameof(factor), factor, "the scale factor must be positive");
        _channelAxis = channelAxis;
        _factor = factor;
        _adaptive = adaptive;
        _gamma = gamma;
        alpha = new Parameter(ones(weight.shape[channelAxis]));
        previous_sign = ones_like(weight);
        initialized = zeros(1);
        RegisterComponents();
    }

    /// <summary>Per channel, the fraction of signs that flipped in the latest training forward.</summary>
    public Tensor? LastFlips { get; private set; }

    public override Tensor forward(Tensor w)
    {
        if (initialized.item<float>() == 0) Initialize(w);
        var s = ChannelAxis.Broadcast(_factor * alpha.abs(), w, _channelAxis);
        var flips = zeros(alpha.shape[0], device: w.device);
        if (training)
        {
            using var noGrad = no_grad();
            var sign = Ste.Binary(w);
            flips = ChannelAxis.Reduce(sign.ne(previous_sign).to_type(w.dtype), _channelAxis, (t, dims) => t.mean(dims));
            previous_sign.copy_(sign);
            LastFlips?.Dispose();
            LastFlips = flips.clone().DetachFromDisposeScope();
        }
        return ReBnnSign.apply(w, s, flips, _channelAxis, _adaptive, _gamma);
    }

    private void Initialize(Tensor w)
    {
        using var noGrad = no_grad();
        alpha.copy_(ChannelAxis.Reduce(w.abs(), _channelAxis, (t, dims) => t.mean(dims)) / _factor);
        previous_sign.copy_(Ste.Binary(w));
        initialized.fill_(1);
    }
}

/// <summary>The custom backward of <see cref="ReBnnWeight"/>: inputs w, s (broadcast) and the per-channel flip fractions.</summary>
internal sealed class ReBnnSign : autograd.SingleTensorFunction<ReBnnSign>
{
    public override string Name => nameof(ReBnnSign);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (w, s, flips) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
        ctx.save_for_backward(new List<Tensor> { w, s, flips });
        ctx.save_data("axis", vars[3]);
        ctx.save_data("adaptive", vars[4]);
        ctx.save_data("gamma", vars[5]);
        return s * Ste.Binary(w);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor g)
    {
        var saved = ctx.get_saved_variables();
        var (w, s, flips) = (saved[0], saved[1], saved[2]);
        var axis = (long)ctx.get_data("axis");
        var b = Ste.Binary(w);
        var residual = w - s * b;
        var gamma = (bool)ctx.get_data("adaptive")
            ? ChannelAxis.Broadcast(flips * ChannelAxis.Reduce(g.abs(), axis, (t, dims) => t.amax(dims)), w, axis)
            : tensor((double)ctx.get_data("gamma"), dtype: w.dtype, device: w.device);
        var gradW = g * s + gamma * residual;
        var gradS = g * b - gamma * residual * b;
        // s broadcasts over the other axes: its gradient sums over them.
        gradS = gradS.sum(ChannelAxis.Others(w, axis), keepdim: true);
        return new List<Tensor> { gradW, gradS, null!, null!, null!, null! };
    }
}
