using Dsl.Runtime.Ptq;
using Dsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// @ptq (DFSQ and the uniform baselines): the universal set, point selection against the
/// exhaustive optimum, the quantizers' levels, calibration, and the saved quantized model.
/// </summary>
public class PtqTests
{
    [Fact]
    public void The_universal_set_has_377_symmetric_values_up_to_1()
    {
        var u = UniversalSet.Values();
        Assert.Equal(377, u.Length);
        Assert.Equal(1.0, u[^1]);
        Assert.Equal(-1.0, u[0]);
        Assert.Contains(0.0, u);
        Assert.All(u, v => Assert.Contains(-v, u));
        // Its members are (b1 + b2 + b3 + b4)/4: 1/4·(2^-1 + 2^-6) and 1/4·(1 + 2^-2) among them, 1/3 not.
        Assert.Contains((0.5 + 1.0 / 64) / 4, u);
        Assert.Contains(1.25 / 4, u);
        Assert.DoesNotContain(1.0 / 3, u);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 29)]
    [InlineData(3, 107)]
    [InlineData(4, 377)]
    [InlineData(5, 1065)]
    public void The_universal_set_grows_with_its_terms(int terms, int size) => Assert.Equal(size, UniversalSet.Values(terms).Length);

    [Fact]
    public void The_error_of_a_point_set_is_the_squared_distance_to_the_nearest_point()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 500).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var points = new[] { -0.6, -0.1, 0, 0.25, 0.9 };
        var direct = values.Sum(v => points.Min(p => (v - p) * (v - p)));
        Assert.Equal(direct, new PointSelection(values).Error(points), 9);
    }

    [Fact]
    public void Exhaustive_selection_finds_points_that_fit_exactly()
    {
        // Values at −1 and ½ only: with 3 points from the 7-value set, {−1, 0, ½} fits with no error.
        var values = Enumerable.Repeat(-1.0, 10).Concat(Enumerable.Repeat(0.5, 10));
        var selection = new PointSelection(values);
        var best = selection.Exhaustive(UniversalSet.Values(terms: 1), k: 3);
        Assert.Equal(new[] { -1.0, 0, 0.5 }, best.Points);
        Assert.Equal(0, best.Error, 12);
        var fast = selection.KMeans(UniversalSet.Values(terms: 1), k: 3, restarts: 5, iterations: 100, seed: 0);
        Assert.Equal(best.Points, fast.Points);
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(2, 8)]
    [InlineData(3, 4)]
    public void Kmeans_selection_comes_within_ten_percent_of_the_exhaustive_optimum(int terms, int k)
    {
        // Activations after a ReLU, normalised: many zeros and a long tail, as DFSQ meets them.
        var random = new Random(7);
        var values = Enumerable.Range(0, 2000).Select(_ => Math.Max(0, Gaussian(random) * 0.3)).ToArray();
        var universe = UniversalSet.Values(terms);
        var selection = new PointSelection(values);
        var optimum = selection.Exhaustive(universe, k);
        var fast = selection.KMeans(universe, k, restarts: 5, iterations: 100, seed: 1);
        Assert.True(optimum.Error <= fast.Error + 1e-12);
        // Snapping k-means' centres to the set is a heuristic; bench/PointSelection reports how far it lands from the optimum.
        Assert.True(fast.Error <= 1.10 * optimum.Error, $"k-means {fast.Error:G6} against the optimum {optimum.Error:G6}");
        Assert.All(fast.Points, p => Assert.Contains(p, universe));
        Assert.Contains(0.0, fast.Points);
        Assert.True(fast.Points.Length <= k);
    }

    [Fact]
    public void Restarts_never_make_the_selection_worse()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 3000).Select(_ => Gaussian(random) * 0.25).ToArray();
        var selection = new PointSelection(values);
        var universe = UniversalSet.Values();
        var one = selection.KMeans(universe, 8, restarts: 1, iterations: 100, seed: 5);
        var five = selection.KMeans(universe, 8, restarts: 5, iterations: 100, seed: 5);
        Assert.True(five.Error <= one.Error);
    }

    [Fact]
    public void Dfsq_snaps_each_channel_to_at_most_2_to_the_b_points_of_the_universal_set()
    {
        var options = new PtqOptions("dfsq", 8, 3, Restarts: 2);
        using var quantizer = new DfsqActivation(4, options);
        manual_seed(0);
        using var x = nn.functional.relu(randn(6, 4, 5, 5)) * tensor(new[] { 1f, 3, 0.2f, 10 }).reshape(1, 4, 1, 1);
        quantizer.Observe(x, new Generator(0));
        quantizer.Finish(0);
        Assert.False(quantizer.Shifted);
        var universe = UniversalSet.Values();
        var table = quantizer.Points.to_type(ScalarType.Float64).data<double>().ToArray();
        for (var c = 0; c < 4; c++)
        {
            var points = table.Skip(8 * c).Take(8).ToArray();
            Assert.Contains(0.0, points);
            Assert.All(points, p => Assert.Contains(universe, u => Math.Abs(u - p) < 1e-7));
        }
        // After a ReLU each sample's channel is scaled by its maximum; dividing the output by it gives the points back.
        using var y = quantizer.forward(x);
        using var peak = x.flatten(2).amax(new long[] { 2 }, keepdim: true).clamp_min(1e-12);
        using var normalised = (y.flatten(2) / peak).to_type(ScalarType.Float64);
        for (var c = 0; c < 4; c++)
        {
            var levels = normalised.select(1, c).flatten().data<double>().ToArray();
            var points = table.Skip(8 * c).Take(8).ToArray();
            // Every output level is one of the channel's 2^3 points.
            Assert.All(levels, v => Assert.Contains(points, p => Math.Abs(p - v) < 1e-5));
        }
    }

    [Fact]
    public void Dfsq_centres_inputs_that_go_negative_on_their_mean()
    {
        using var quantizer = new DfsqActivation(2, new PtqOptions("dfsq", 8, 4, Restarts: 1));
        manual_seed(1);
        using var x = randn(4, 2, 6, 6) + 5;
        quantizer.Observe(x, new Generator(0));
        quantizer.Finish(0);
        Assert.True(quantizer.Shifted == (x.min().item<float>() < 0));
        using var shifted = randn(4, 2, 6, 6) * 0.1 + 3;
        using var q2 = new DfsqActivation(2, new PtqOptions("dfsq", 8, 4, Restarts: 1));
        using var signed = randn(4, 2, 6, 6);
        q2.Observe(signed, new Generator(0));
        q2.Finish(0);
        Assert.True(q2.Shifted);
        // A channel far from zero with a small spread keeps its detail: centring removes the offset first.
        using var y = q2.forward(shifted);
        var error = (y - shifted).abs().mean().item<float>();
        Assert.True(error < 0.05f, $"mean error {error}");
    }

    [Fact]
    public void Uniform_activations_take_2_to_the_b_levels_over_the_calibration_range()
    {
        // Values spread over [−1, 3]: every one of the 2^3 levels is met, the ends among them.
        using var spread = linspace(-1, 3, 1001);
        using var minmax = new UniformActivation(3, percentile: null);
        minmax.Observe(spread, new Generator(0));
        minmax.Finish(0);
        Assert.Equal((-1.0, 3.0), (Math.Round(minmax.Range.Lower, 5), Math.Round(minmax.Range.Upper, 5)));
        using var levels = minmax.forward(spread).unique().Item1;
        Assert.Equal(8, levels.shape[0]);
        Assert.Equal(-1f, levels[0].item<float>(), 5);
        Assert.Equal(3f, levels[7].item<float>(), 5);
        Assert.Equal(4f / 7, (levels[1] - levels[0]).item<float>(), 5);
        // The percentile range leaves outliers on both sides out.
        manual_seed(2);
        using var outliers = cat(new[] { randn(1000), tensor(new[] { 40f, -40f }) });
        using var percentile = new UniformActivation(3, percentile: 99.0);
        percentile.Observe(outliers, new Generator(0));
        percentile.Finish(0);
        Assert.InRange(percentile.Range.Upper, 1.5, 4);
        Assert.InRange(percentile.Range.Lower, -4, -1.5);
    }

    [Fact]
    public void Weights_are_uniform_per_output_channel()
    {
        manual_seed(3);
        using var w = randn(5, 3, 3, 3) * tensor(new[] { 1f, 10, 0.1f, 2, 5 }).reshape(5, 1, 1, 1);
        using var q = UniformWeights.Quantize(w, 2);
        for (var c = 0; c < 5; c++)
        {
            using var channel = q[c].flatten();
            Assert.True(channel.unique().Item1.shape[0] <= 4);
            Assert.Equal(w[c].min().item<float>(), channel.min().item<float>(), 4);
            Assert.Equal(w[c].max().item<float>(), channel.max().item<float>(), 4);
        }
        using var fine = UniformWeights.Quantize(w, 16);
        var range = (w.amax(new long[] { 1, 2, 3 }) - w.amin(new long[] { 1, 2, 3 })).max().item<float>();
        Assert.True((fine - w).abs().max().item<float>() <= range / 65535 / 2 * 1.01);
    }

    [Fact]
    public void An_uncalibrated_ptq_model_is_the_full_precision_model()
    {
        using var plain = new TinySr();
        using var ptq = new TinySrDfsq();
        ptq.load_state_dict(plain.state_dict(), strict: false);
        using var x = rand(2, 3, 12, 12);
        using var expected = plain.forward(x);
        using var actual = ptq.forward(x);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-6));
        Assert.False(PostTraining.IsCalibrated(ptq));
    }

    [Fact]
    public void Calibration_uses_the_samples_asked_for_and_then_quantizes()
    {
        using var model = new TinySrDfsq();
        manual_seed(4);
        var batches = Enumerable.Range(0, 5).Select(_ => rand(4, 3, 12, 12)).ToList();
        var lines = new List<string>();
        var report = PostTraining.Calibrate(model, batches, seed: 0, progress: new Progress(lines));
        Assert.Equal(4, report.Layers);
        Assert.Equal(6, report.Samples);
        Assert.Contains("layer 4/4 calibrated (dfsq, W4A3)", lines);
        Assert.True(PostTraining.IsCalibrated(model));
        using var x = rand(2, 3, 12, 12);
        using var quantized = model.forward(x);
        var uncalibrated = new TinySrDfsq();
        uncalibrated.load_state_dict(model.state_dict(), strict: false);
        foreach (var layer in PostTraining.Layers(uncalibrated)) Assert.True(layer.Calibrated);
        using var again = uncalibrated.forward(x);
        Assert.True(again.allclose(quantized, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void A_calibrated_model_round_trips_through_safetensors_with_its_points()
    {
        using var model = new TinySrMinmax();
        manual_seed(5);
        PostTraining.Calibrate(model, new[] { rand(8, 3, 12, 12) });
        var path = Path.Combine(Directory.CreateTempSubdirectory("cmodel-ptq-").FullName, "q.safetensors");
        PyTorchWeights.Save(model, path);
        using var loaded = new TinySrMinmax();
        PyTorchWeights.Load(loaded, path);
        Assert.True(PostTraining.IsCalibrated(loaded));
        using var x = rand(2, 3, 12, 12);
        Assert.True(loaded.forward(x).allclose(model.forward(x), rtol: 0, atol: 1e-6));
        var dfsq = new TinySrDfsq();
        PostTraining.Calibrate(dfsq, new[] { rand(8, 3, 12, 12) });
        var dfsqPath = Path.Combine(Path.GetDirectoryName(path)!, "d.safetensors");
        PyTorchWeights.Save(dfsq, dfsqPath);
        using var dfsqLoaded = new TinySrDfsq();
        PyTorchWeights.Load(dfsqLoaded, dfsqPath);
        var points = PostTraining.Layers(dfsq).Select(l => ((DfsqActivation)l.InputQuantizer).Points).ToList();
        var loadedPoints = PostTraining.Layers(dfsqLoaded).Select(l => ((DfsqActivation)l.InputQuantizer).Points).ToList();
        Assert.All(points.Zip(loadedPoints), p => Assert.True(p.First.allclose(p.Second, rtol: 0, atol: 0)));
    }

    [Fact]
    public void A_full_precision_checkpoint_lacks_exactly_the_calibration_state()
    {
        using var plain = new TinySr();
        var path = Path.Combine(Directory.CreateTempSubdirectory("cmodel-ptq-").FullName, "fp.safetensors");
        PyTorchWeights.Save(plain, path);
        using var dfsq = new TinySrDfsq();
        var report = PyTorchWeights.Load(dfsq, path, strict: false);
        Assert.NotEmpty(report.Missing);
        Assert.All(report.Missing, k => Assert.True(PostTraining.IsCalibrationState(k), k));
        Assert.Empty(report.Unexpected);
        Assert.False(PostTraining.IsCalibrationState("body.0.conv2d.weight"));
    }

    [Fact]
    public void At_16_bits_the_quantized_model_matches_full_precision_closely()
    {
        using var plain = new TinySr();
        using var fine = new TinySrMinmax16();
        fine.load_state_dict(plain.state_dict(), strict: false);
        manual_seed(6);
        // Calibrated on the inputs it then runs, so nothing falls outside a range: what is left is the resolution.
        using var x = rand(4, 3, 12, 12);
        PostTraining.Calibrate(fine, new[] { x });
        using var expected = plain.forward(x);
        using var actual = fine.forward(x);
        var relative = ((actual - expected).norm() / expected.norm()).item<float>();
        Assert.True(relative < 1e-4f, $"relative error {relative}");
        using var coarse = new TinySrMinmax();
        coarse.load_state_dict(plain.state_dict(), strict: false);
        PostTraining.Calibrate(coarse, new[] { x });
        var coarseError = ((coarse.forward(x) - expected).norm() / expected.norm()).item<float>();
        Assert.True(coarseError > 10 * relative);
    }

    [Fact]
    public void Calibrating_a_model_without_ptq_layers_or_without_inputs_is_a_clear_error()
    {
        using var plain = new TinySr();
        var none = Assert.Throws<ArgumentException>(() => PostTraining.Calibrate(plain, new[] { rand(1, 3, 12, 12) }));
        Assert.Contains("no @ptq layers", none.Message);
        using var model = new TinySrDfsq();
        var empty = Assert.Throws<ArgumentException>(() => PostTraining.Calibrate(model, Array.Empty<Tensor>()));
        Assert.Contains("at least one input", empty.Message);
        Assert.False(PostTraining.IsCalibrated(model));
    }

    [Fact]
    public void Options_the_layers_cannot_run_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new PtqOptions("dfsq", 4, 9).Check());
        Assert.Throws<ArgumentException>(() => new PtqOptions("uniform", 4, 4).Check());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PtqOptions("minmax", 1, 4).Check());
        new PtqOptions("dfsq", 4, 8).Check();
        new PtqOptions("minmax", 16, 16).Check();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class Progress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
