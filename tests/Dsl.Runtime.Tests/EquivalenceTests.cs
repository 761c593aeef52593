using Dsl.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>The generated FashionResNet computes what the same network written by hand does.</summary>
public class EquivalenceTests
{
    [Fact]
    public void Generated_forward_equals_a_handwritten_torchsharp_module_with_the_same_weights()
    {
        torch.manual_seed(7);
        using var generated = new FashionResNet();
        using var handwritten = new HandwrittenResNet();
        var source = generated.parameters().ToList();
        var target = handwritten.parameters().ToList();
        Assert.Equal(source.Select(p => p.shape), target.Select(p => p.shape));
        using (torch.no_grad())
        {
            for (var i = 0; i < source.Count; i++) target[i].copy_(source[i]);
        }
        generated.eval();
        handwritten.eval();
        using var x = torch.randn(4, 1, 28, 28);
        using var expected = handwritten.forward(x);
        using var actual = generated.forward(x);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void DeiT_state_dict_keys_are_timms()
    {
        using var model = new DeiTSmall();
        var expected = new List<string> { "cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias", "norm.weight", "norm.bias", "head.weight", "head.bias" };
        for (var i = 0; i < 12; i++)
        {
            foreach (var key in new[] { "norm1", "attn.qkv", "attn.proj", "norm2", "mlp.fc1", "mlp.fc2" })
            {
                expected.Add($"blocks.{i}.{key}.weight");
                expected.Add($"blocks.{i}.{key}.bias");
            }
        }
        Assert.Equal(expected.OrderBy(k => k, StringComparer.Ordinal), model.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal));
    }
}
