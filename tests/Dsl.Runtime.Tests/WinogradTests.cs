using Dsl.Runtime.Winograd;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>Winograd F(m, 3) in three dimensions against TorchSharp's conv3d: values, gradients, ragged sizes, kept positions, and the way back to a spatial weight.</summary>
public class WinogradTests
{
    [Theory]
    [InlineData(2, 1e-4)]
    [InlineData(4, 1e-4)]
    public void Winograd_equals_conv3d_with_sizes_the_tile_does_not_divide(int tile, double tolerance)
    {
        var t = WinogradTransforms.For(tile);
        manual_seed(0);
        using var x = randn(new long[] { 2, 3, 5, 7, 6 });
        using var g = randn(new long[] { 4, 3, 3, 3, 3 }) * 0.2;
        using var b = randn(4);
        using var u = Winograd3d.TransformWeight(g, t);
        using var expected = nn.functional.conv3d(x, g, b, padding: new long[] { 1, 1, 1 });
        using var actual = Winograd3d.Convolve(x, u, b, t, padding: 1);
        Assert.Equal(expected.shape, actual.shape);
        var error = (actual - expected).abs().max().item<float>();
        Assert.True(error < tolerance, $"F({tile}, 3): max |Δ| {error}");
        using var unpadded = Winograd3d.Convolve(x, u, null, t, padding: 0);
        using var direct = nn.functional.conv3d(x, g);
        Assert.True((unpadded - direct).abs().max().item<float>() < tolerance);
    }

    [Fact]
    public void Gradients_equal_conv3ds()
    {
        var t = WinogradTransforms.For(2);
        manual_seed(1);
        using var x1 = randn(new long[] { 1, 2, 4, 5, 4 }, requires_grad: true);
        using var g1 = (randn(new long[] { 3, 2, 3, 3, 3 }) * 0.3).requires_grad_();
        using var x2 = x1.detach().clone().requires_grad_();
        using var g2 = g1.detach().clone().requires_grad_();
        using var target = randn(new long[] { 1, 3, 4, 5, 4 });
        (nn.functional.conv3d(x1, g1, padding: new long[] { 1, 1, 1 }) * target).sum().backward();
        (Winograd3d.Convolve(x2, Winograd3d.TransformWeight(g2, t), null, t, padding: 1) * target).sum().backward();
        Assert.True((x1.grad! - x2.grad!).abs().max().item<float>() < 1e-4f);
        Assert.True((g1.grad! - g2.grad!).abs().max().item<float>() < 1e-4f);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void A_transformed_spatial_weight_goes_back_exactly_and_any_other_reports_its_distance(int tile)
    {
        var t = WinogradTransforms.For(tile);
        manual_seed(2);
        using var g = randn(new long[] { 2, 3, 3, 3, 3 }, dtype: ScalarType.Float64);
        using var u = Winograd3d.TransformWeight(g, t);
        var (back, error) = Winograd3d.ToSpatial(u, t);
        Assert.True((back - g).abs().max().item<double>() < 1e-10);
        Assert.True(error < 1e-12);
        // α³ free values per channel pair cannot all come from 27: a random U has no spatial weight.
        using var free = randn(u.shape, dtype: ScalarType.Float64);
        Assert.True(Winograd3d.ToSpatial(free, t).Error > 0.1);
    }

    [Fact]
    public void Positions_left_out_compute_as_zero_weights_and_get_no_gradient()
    {
        var t = WinogradTransforms.For(2);
        manual_seed(3);
        using var x = randn(new long[] { 1, 2, 4, 4, 4 });
        using var g = randn(new long[] { 2, 2, 3, 3, 3 });
        using var u = Winograd3d.TransformWeight(g, t).requires_grad_();
        using var kept = tensor(Enumerable.Range(0, 64).Where(p => p % 3 != 0).Select(p => (long)p).ToArray());
        using var mask = zeros(64, 1, 1);
        mask.index_fill_(0, kept, 1);
        using var expected = Winograd3d.Convolve(x, u.detach() * mask, null, t, padding: 1);
        using var actual = Winograd3d.Convolve(x, u, null, t, padding: 1, kept: kept);
        Assert.True((actual - expected).abs().max().item<float>() < 1e-5f);
        actual.sum().backward();
        using var removed = u.grad!.index_select(0, tensor(Enumerable.Range(0, 64).Where(p => p % 3 == 0).Select(p => (long)p).ToArray()));
        Assert.Equal(0f, removed.abs().max().item<float>());
        Assert.True(u.grad!.index_select(0, kept).abs().max().item<float>() > 0);
    }

    [Fact]
    public void Only_3x3x3_kernels_and_known_tiles_are_accepted()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WinogradTransforms.For(3));
        Assert.Throws<ArgumentException>(() => Winograd3d.TransformWeight(zeros(new long[] { 2, 2, 5, 5, 5 }), WinogradTransforms.For(2)));
    }
}

/// <summary>The Winograd layer: direct Winograd-domain training, the low-rank factors, and removing positions.</summary>
public class WinogradLayerTests
{
    private static TorchSharp.Modules.Conv3d Conv(int seed)
    {
        manual_seed(seed);
        return nn.Conv3d(3, 4, 3, padding: 1);
    }

    [Theory]
    [InlineData("direct_winograd", 0)]
    [InlineData("lowrank", 27)]
    [InlineData("lowrank", 64)]
    public void At_full_rank_with_every_position_it_is_the_convolution(string mode, long rank)
    {
        using var conv = Conv(0);
        using var layer = new WinogradLayer(conv, 2, mode, rank);
        using var x = randn(new long[] { 2, 3, 5, 6, 4 });
        using var expected = conv.forward(x);
        using var actual = layer.forward(x);
        Assert.True((actual - expected).abs().max().item<float>() < 1e-4f);
        Assert.Equal(64, layer.KeptPositions);
    }

    [Fact]
    public void Rank_27_reproduces_the_spatial_kernel_and_less_does_not()
    {
        using var conv = Conv(1);
        var t = WinogradTransforms.For(2);
        using var full = new WinogradLayer(conv, 2, "lowrank", 27);
        var (spatial, error) = Winograd3d.ToSpatial(full.Weight().detach(), t);
        Assert.True((spatial - conv.weight!).abs().max().item<float>() < 1e-5f);
        Assert.True(error < 1e-5);
        using var low = new WinogradLayer(conv, 2, "lowrank", 8);
        var (approximate, _) = Winograd3d.ToSpatial(low.Weight().detach(), t);
        Assert.True((approximate - conv.weight!).abs().max().item<float>() > 1e-3f);
        // Parameters: R·(C_out·C_in + α³) for the factors, against α³·C_out·C_in trained directly.
        Assert.Equal(8 * (4 * 3 + 64) + 4, low.parameters().Sum(p => p.numel()));
        using var direct = new WinogradLayer(conv, 2, "direct_winograd", 0);
        Assert.Equal(64 * 4 * 3 + 4, direct.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Keeping_k_positions_removes_the_lowest_scored_and_they_get_no_gradient()
    {
        using var conv = Conv(2);
        using var layer = new WinogradLayer(conv, 2, "lowrank", 16);
        using var before = layer.PositionScores();
        layer.Keep(40);
        Assert.Equal(40, layer.KeptPositions);
        using var after = layer.PositionScores();
        var removed = Enumerable.Range(0, 64).Where(i => after[i].item<float>() == 0).ToList();
        Assert.Equal(24, removed.Count);
        var lowest = before.data<float>().ToArray().Select((v, i) => (v, i)).OrderBy(p => p.v).Take(24).Select(p => p.i).OrderBy(i => i);
        Assert.Equal(lowest, removed);
        using var x = randn(new long[] { 1, 3, 4, 4, 4 });
        layer.forward(x).sum().backward();
        var q = layer.parameters().Single(p => p.shape.SequenceEqual(new long[] { 16, 64 }));
        using var removedIndex = tensor(removed.Select(i => (long)i).ToArray());
        Assert.Equal(0f, q.grad!.index_select(1, removedIndex).abs().max().item<float>());
        // Removing is for good: keeping more again does not bring positions back.
        layer.Keep(40);
        Assert.Equal(40, layer.KeptPositions);
    }

    [Fact]
    public void Other_convolutions_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new WinogradLayer(nn.Conv3d(2, 2, 3, stride: 2), 2, "lowrank", 8));
        Assert.Throws<ArgumentException>(() => new WinogradLayer(nn.Conv2d(2, 2, 3), 2, "lowrank", 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WinogradLayer(nn.Conv3d(2, 2, 3, padding: 1), 2, "lowrank", 65));
    }
}

/// <summary>@winograd in a generated model: which layers it converts, and the pruning schedule Trainer.Fit runs.</summary>
public class WinogradModelTests
{
    [Theory]
    [InlineData(0, 48)]
    [InlineData(1, 32)]
    [InlineData(5, 32)]
    public void The_schedule_removes_positions_in_equal_steps(int epoch, long kept) =>
        Assert.Equal(kept, new PruningSchedule(32, 2).KeptAt(epoch, 64));

    [Fact]
    public void All_at_once_or_never()
    {
        Assert.Equal(32, new PruningSchedule(32, 0).KeptAt(0, 64));
        Assert.Equal(64, PruningSchedule.None.KeptAt(3, 64));
    }

    [Fact]
    public void The_model_converts_its_3x3x3_stride_1_convolutions_and_leaves_the_strided_one()
    {
        using var model = new TinyVideo();
        var layers = model.modules().OfType<WinogradLayer>().ToList();
        Assert.Equal(2, layers.Count);
        Assert.Equal(new[] { "lowrank", "direct_winograd" }, layers.Select(l => l.Mode));
        Assert.Single(model.modules().OfType<TorchSharp.Modules.Conv3d>());
        using var clip = randn(new long[] { 2, 1, 4, 8, 8 });
        Assert.Equal(new long[] { 2, 3 }, model.forward(clip).shape);
    }

    [Fact]
    public void Training_brings_the_first_layer_down_to_its_kept_positions()
    {
        manual_seed(0);
        using var model = new TinyVideo();
        using var clips = randn(new long[] { 16, 1, 4, 8, 8 });
        using var labels = randint(0, 3, new long[] { 16 });
        var data = new Dsl.Runtime.Data.ImageClassificationData(clips, labels, 3, "random clips");
        var kept = new List<long>();
        var options = new Dsl.Runtime.Training.TrainerOptions { Epochs = 2, Optimizer = new Dsl.Runtime.Training.OptimizerSpec.Sgd(0.01), Seed = 0 };
        var trainer = new Dsl.Runtime.Training.Trainer(options, TextWriter.Null);
        trainer.Hooks.Add(new Recorder(model.modules().OfType<WinogradLayer>().First(), kept));
        trainer.Fit(model, new Dsl.Runtime.Data.BatchLoader(data, 8, shuffle: false), new Dsl.Runtime.Data.BatchLoader(data, 8, shuffle: false));
        // After each epoch: 48 of 64 positions, then 32. The second layer's own annotation replaces the header's (the innermost wins) and keeps all.
        Assert.Equal(new long[] { 48, 32 }, kept);
        Assert.Equal(64, model.modules().OfType<WinogradLayer>().Last().KeptPositions);
    }

    [Fact]
    public void Spatial_weights_load_into_the_winograd_layers_and_come_back()
    {
        manual_seed(5);
        using var direct = new TinyVideoDirect();
        var path = Path.Combine(Directory.CreateTempSubdirectory("cmodel-winograd-").FullName, "direct.safetensors");
        Dsl.Runtime.Weights.PyTorchWeights.Save(direct, path);
        using var winograd = new TinyVideoExact();
        var report = WinogradWeights.LoadSpatial(winograd, path);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        using var clip = randn(new long[] { 2, 1, 4, 8, 8 });
        Assert.True((winograd.forward(clip) - direct.forward(clip)).abs().max().item<float>() < 1e-4f);
        var first = winograd.modules().OfType<WinogradLayer>().First();
        var (spatial, error) = first.ToSpatial();
        var original = Dsl.Runtime.Weights.PyTorchWeights.Read(path)["first.weight"];
        Assert.True((spatial - original).abs().max().item<float>() < 1e-5f);
        Assert.True(error < 1e-5);
    }

    private sealed class Recorder(WinogradLayer layer, List<long> kept) : Dsl.Runtime.Training.TrainingHook
    {
        public override void OnEpochEnd(Dsl.Runtime.Training.EpochResult result) => kept.Add(layer.KeptPositions);
    }
}
