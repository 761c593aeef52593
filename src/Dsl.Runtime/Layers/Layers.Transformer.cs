using TorchSharp;
using TorchSharp.Modules;
using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Runtime;

public static partial class Layers
{
    public static nn.Module<Tensor, Tensor> PatchEmbed(long inChannels, long dim, long patch, bool bias = true, Compressor? compression = null) =>
        new PatchEmbed(inChannels, dim, patch, bias, compression);

    public static nn.Module<Tensor, Tensor> Attention(long dim, long heads, bool qkvBias = true, double attnDrop = 0, double projDrop = 0, TokenBlock? tokens = null, Compressor? compression = null) =>
        new Attention(dim, heads, qkvBias, attnDrop, projDrop, tokens, compression);

    public static nn.Module<Tensor, Tensor> Mlp(long inFeatures, long hidden, long outFeatures = 0, double drop = 0, bool bias = true, Compressor? compression = null) =>
        new Mlp(inFeatures, hidden, outFeatures == 0 ? inFeatures : outFeatures, drop, bias, compression);

    /// <summary>timm's class token, [1, 1, dim], initialised N(0, 1e-6).</summary>
    public static Parameter ClsToken(long dim) => new(torch.randn(1, 1, dim) * 1e-6);

    /// <summary>timm's position embedding, [1, tokens, dim], initialised N(0, 0.02) truncated at ±2σ.</summary>
    public static Parameter PosEmbed(long tokens, long dim)
    {
        using var noGrad = torch.no_grad();
        var weight = torch.empty(1, tokens, dim);
        nn.init.trunc_normal_(weight, std: 0.02, a: -0.04, b: 0.04);
        return new Parameter(weight);
    }

    /// <summary>The copies of a repeat, keyed 0, 1, ... as PyTorch's Sequential.</summary>
    public static Sequential Repeat(long count, System.Func<long, nn.Module<Tensor, Tensor>> copy)
    {
        var modules = new nn.Module<Tensor, Tensor>[count];
        for (var i = 0; i < count; i++) modules[i] = copy(i);
        return nn.Sequential(modules);
    }

    /// <summary>Several stages of one repeat copy, keyed by their layer names.</summary>
    public static Sequential Sequence(params (string Name, nn.Module<Tensor, Tensor> Module)[] stages) => nn.Sequential(stages);
}
