using TorchSharp;
using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>timm's PatchEmbed: a patch-strided convolution `proj`, then [N, tokens, dim].</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> proj;

    public PatchEmbed(long inChannels, long dim, long patch, bool bias = true, Compressor? compression = null) : base(nameof(PatchEmbed))
    {
        proj = Layers.Compressed(nn.Conv2d(inChannels, dim, (patch, patch), stride: (patch, patch), bias: bias), compression);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => proj.forward(x).flatten(2).transpose(1, 2);
}
