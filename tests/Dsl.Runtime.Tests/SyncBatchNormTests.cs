using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>The runtime's BatchNorm outside a data-parallel run is TorchSharp's, dimension checks included.</summary>
public class SyncBatchNormTests
{
    [Theory]
    [InlineData(1, new long[] { 6, 3 })]
    [InlineData(1, new long[] { 6, 3, 5 })]
    [InlineData(2, new long[] { 6, 3, 4, 5 })]
    [InlineData(3, new long[] { 6, 3, 2, 4, 5 })]
    public void It_trains_and_evaluates_as_torchsharps_batch_norm(long dims, long[] shape)
    {
        manual_seed(1);
        using var ours = new SyncBatchNorm(3, dims, momentum: 0.3);
        using nn.Module<Tensor, Tensor> theirs = dims switch { 1 => nn.BatchNorm1d(3, momentum: 0.3), 2 => nn.BatchNorm2d(3, momentum: 0.3), _ => nn.BatchNorm3d(3, momentum: 0.3) };
        using (no_grad())
        {
            ours.weight!.copy_(rand(3) + 0.5);
            ours.bias!.copy_(rand(3));
            theirs.load_state_dict(ours.state_dict());
        }
        for (var step = 0; step < 3; step++)
        {
            var x = randn(shape) * 2 + 1;
            var (a, b) = (x.clone().requires_grad_(), x.clone().requires_grad_());
            var (ya, yb) = (ours.forward(a), theirs.forward(b));
            (ya * ya).sum().backward();
            (yb * yb).sum().backward();
            Assert.True(ya.allclose(yb, 1e-5, 1e-6));
            Assert.True(a.grad!.allclose(b.grad!, 1e-4, 1e-5));
        }
        var state = theirs.state_dict();
        foreach (var (key, value) in ours.state_dict()) Assert.True(value.to_type(ScalarType.Float64).allclose(state[key].to_type(ScalarType.Float64), 1e-5, 1e-6), key);
        ours.eval();
        theirs.eval();
        var probe = randn(shape);
        Assert.True(ours.forward(probe).allclose(theirs.forward(probe), 1e-5, 1e-6));
    }

    [Fact]
    public void A_wrong_rank_is_refused_with_what_it_expects()
    {
        using var norm = new SyncBatchNorm(3, 2);
        var error = Assert.Throws<ArgumentException>(() => norm.forward(zeros(4, 3)));
        Assert.Contains("BatchNorm2d expects a 4-dimensional input, got 2 dimensions", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyncBatchNorm(3, 4));
    }
}
