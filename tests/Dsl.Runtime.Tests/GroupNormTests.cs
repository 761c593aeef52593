using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>group_norm starts as PyTorch's does: scale 1, shift 0 (TorchSharp 0.107 leaves them uninitialised).</summary>
public class GroupNormTests
{
    [Fact]
    public void A_new_group_norm_is_the_plain_normalization()
    {
        manual_seed(0);
        var norm = Layers.GroupNorm(numChannels: 6, groups: 3);
        var parameters = norm.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Assert.True(parameters["weight"].eq(1).all().item<bool>());
        Assert.True(parameters["bias"].eq(0).all().item<bool>());
        var x = randn(2, 6, 4, 4);
        // Each group of 2 channels normalized by its own mean and (biased) variance.
        var groups = x.reshape(2, 3, -1);
        var expected = ((groups - groups.mean(new long[] { 2 }, keepdim: true)) / (groups.var(2, unbiased: false, keepdim: true) + 1e-5).sqrt()).reshape(x.shape);
        Assert.True(norm.forward(x).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }
}
