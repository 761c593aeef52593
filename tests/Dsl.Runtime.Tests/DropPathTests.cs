using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>Stochastic depth: whole samples dropped in training, the rest scaled by 1/(1 − p); the identity in eval.</summary>
public class DropPathTests
{
    [Fact]
    public void Training_drops_whole_samples_and_keeps_the_expectation()
    {
        manual_seed(5);
        using var scope = NewDisposeScope();
        using var layer = Layers.DropPath(0.25);
        var x = ones(4000, 3, 2);
        var y = layer.forward(x);
        var perSample = y.reshape(4000, 6);
        // Each sample is all 0 or all 1/(1 − 0.25) = 4/3.
        var kept = perSample[.., 0].gt(0);
        Assert.True(perSample.eq(0).all(1).logical_or(perSample.sub(4.0 / 3).abs().lt(1e-6).all(1)).all().item<bool>());
        var keptFraction = kept.to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(keptFraction, 0.72, 0.78);
        Assert.InRange(y.mean().item<float>(), 0.96, 1.04);

        layer.eval();
        Assert.True(layer.forward(x).eq(x).all().item<bool>());
    }
}
