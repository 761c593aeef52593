using TorchSharp;
using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>timm's Mlp: fc1 → GELU → dropout → fc2 → dropout; compressed, its linears are, and Bi-ViT clips the GELU output.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> fc1;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly nn.Module<Tensor, Tensor> drop1;
    private readonly nn.Module<Tensor, Tensor> fc2;
    private readonly nn.Module<Tensor, Tensor> drop2;
    private readonly double? _clip;

    public Mlp(long inFeatures, long hidden, long outFeatures, double drop = 0, bool bias = true, Compressor? compression = null) : base(nameof(Mlp))
    {
        fc1 = Layers.Compressed(nn.Linear(inFeatures, hidden, hasBias: bias), compression);
        act = nn.GELU();
        drop1 = nn.Dropout(drop);
        fc2 = Layers.Compressed(nn.Linear(hidden, outFeatures, hasBias: bias), compression);
        _clip = compression?.GeluClip;
        drop2 = nn.Dropout(drop);
        RegisterComponents();
    }

    /// <summary>The bound a binarized ViT's GELU output is clipped to (Bi-ViT), or null.</summary>
    public double? GeluClip => _clip;

    public override Tensor forward(Tensor x)
    {
        var hidden = act.forward(fc1.forward(x));
        if (_clip is { } clip) hidden = hidden.clamp(-clip, clip);
        return drop2.forward(fc2.forward(drop1.forward(hidden)));
    }
}
