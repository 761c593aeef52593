using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// Binary activations, sign(x) ∈ {−1, +1}. The gradient is the straight-through estimator
/// clipped to |x| ≤ 1 (the plain baseline) or, with <c>polynomial</c>, Bi-Real's 2 − 2|x|
/// (ReBNN, ReActNet).
/// </summary>
public sealed class SignActivation : nn.Module<Tensor, Tensor>
{
    private readonly bool _polynomial;

    public SignActivation(bool polynomial) : base(nameof(SignActivation)) => _polynomial = polynomial;

    public override Tensor forward(Tensor x) => Ste.Sign(x, _polynomial ? Ste.Polynomial(x) : x.clamp(-1, 1));
}

/// <summary>
/// Bi-ViT's binarized activation with a learnable scale α and offset z (one pair per head
/// along <c>channelAxis</c>, or one for the tensor): x_b = sign(clamp(x/α + z, −1, 1)),
/// output (x_b − z)·α. The threshold −z·α moves, so inputs in [0, 1] such as attention
/// probabilities still binarize to both values and give α and z gradients. Sign's backward is
/// the identity inside the clamp, or 2 − 2|u| with <c>polynomial</c> (the linear layers'
/// inputs); α and z gradients are scaled by 1/√(elements per α). Initialised on the first
/// batch: α = 2·mean|x|, z = 0.1·(min x + α).
/// </summary>
public sealed class ScaledSignActivation : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter alpha;
    private readonly TorchSharp.Modules.Parameter offset;
    private readonly Tensor initialized;
    private readonly long? _channelAxis;
    private readonly bool _polynomial;

    public ScaledSignActivation(long channels = 1, long? channelAxis = null, bool polynomial = false) : base(nameof(ScaledSignActivation))
    {
        _channelAxis = channelAxis;
        _polynomial = polynomial;
        alpha = new TorchSharp.Modules.Parameter(ones(channels));
        offset = new TorchSharp.Modules.Parameter(zeros(channels));
        initialized = zeros(1);
        RegisterComponents();
    }

    /// <summary>The axis of one scale per channel (the heads' axis in attention), or null for one per tensor.</summary>
    public long? ScaleAxis => _channelAxis;

    public override Tensor forward(Tensor x)
    {
        if (initialized.item<float>() == 0) Initialize(x);
        var scale = 1.0 / Math.Sqrt(x.numel() / alpha.numel());
        var a = ChannelAxis.Broadcast(Ste.ScaleGradient(alpha, scale), x, _channelAxis);
        var z = ChannelAxis.Broadcast(Ste.ScaleGradient(offset, scale), x, _channelAxis);
        var u = (x / a + z).clamp(-1, 1);
        var binary = Ste.Sign(u, _polynomial ? Ste.Polynomial(u) : u);
        return (binary - z) * a;
    }

    private void Initialize(Tensor x)
    {
        using var noGrad = no_grad();
        var meanAbs = ChannelAxis.Reduce(x.abs(), _channelAxis, (t, dims) => t.mean(dims));
        var min = ChannelAxis.Reduce(x, _channelAxis, (t, dims) => t.amin(dims));
        alpha.copy_((2 * meanAbs).clamp_min(1e-6));
        offset.copy_(0.1 * (min + 2 * meanAbs));
        initialized.fill_(1);
    }

}
