using Dsl.Runtime.LowBit;
using Dsl.Runtime.Sparse;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>@sparse at run time, checked against the method's definition: the masks, the forward product, both gradients, the permutation search.</summary>
public class SparseTests
{
    private static Tensor Weight(long outputs = 8, long inputs = 4, long kernel = 3, int seed = 1)
    {
        manual_seed(seed);
        return randn(outputs, inputs, kernel, kernel);
    }

    [Fact]
    public void The_forward_mask_keeps_exactly_n_of_every_m_along_the_reduced_dimension_the_largest()
    {
        var w = Weight();
        var mask = NmMasks.Forward(w, 2, 4);
        // [8, 36] in groups of 4 consecutive entries of a row: exactly 2 kept in each.
        Assert.True((mask.reshape(8, 9, 4).sum(2) == 2).all().item<bool>());
        // Each kept |w| is at least each dropped one of its group.
        var groups = w.reshape(8, 9, 4).abs();
        var keptMin = where(mask.reshape(8, 9, 4) > 0, groups, full_like(groups, 1e30)).amin(2);
        var droppedMax = where(mask.reshape(8, 9, 4) > 0, full_like(groups, -1), groups).amax(2);
        Assert.True((keptMin >= droppedMax).all().item<bool>());
    }

    [Fact]
    public void The_backward_mask_lies_in_the_forward_mask_and_keeps_at_most_n_of_m_permuted_output_channels()
    {
        var w = Weight();
        var forward = NmMasks.Forward(w, 2, 4);
        var order = tensor(new long[] { 3, 7, 0, 5, 1, 6, 2, 4 });
        var backward = NmMasks.Backward(w, forward, order, 2, 4);
        Assert.True((backward <= forward).all().item<bool>());
        // Along each column of [8, 36], the permuted channels in groups of 4 hold at most 2.
        var permuted = backward.reshape(8, 36).index_select(0, order).reshape(2, 4, 36);
        Assert.True((permuted.sum(1) <= 2).all().item<bool>());
        // A group keeps the 2 largest forward-masked |w| among its channels (none that the forward mask removed):
        // column 0, channels 3, 7, 0, 5.
        var column = (w * forward).reshape(8, 36)[.., 0].abs().index_select(0, order)[..4];
        var kept = backward.reshape(8, 36)[.., 0].index_select(0, order)[..4];
        var expected = zeros(4);
        foreach (var i in column.topk(2).indexes.data<long>().ToArray().Where(i => column[i].item<float>() > 0)) expected[i] = 1;
        Assert.Equal(expected.data<float>().ToArray(), kept.data<float>().ToArray());
    }

    [Fact]
    public void A_transposable_mask_keeps_at_most_n_per_group_in_both_dimensions()
    {
        var w = Weight(outputs: 8, inputs: 8, kernel: 1);
        var mask = NmMasks.Transposable(w.reshape(8, 8), 2, 4);
        Assert.True((mask.reshape(2, 4, 8).sum(1) <= 2).all().item<bool>());
        Assert.True((mask.reshape(8, 2, 4).sum(2) <= 2).all().item<bool>());
        // The block's largest entry is always kept.
        var block = w.reshape(8, 8)[..4, ..4].abs();
        var largest = block.argmax().item<long>();
        Assert.Equal(1f, mask[largest / 4, largest % 4].item<float>());
    }

    [Fact]
    public void Forward_is_a_dense_convolution_with_the_masked_weight_and_the_gradients_follow_the_method()
    {
        manual_seed(2);
        var conv = nn.Conv2d(4, 8, 3, padding: 1);
        var layer = (LowBitLayer)Compression.Sparse(2, 4, "bimask", 100, 10, 2e-4).Layer(conv);
        layer.train();
        var x = randn(2, 4, 5, 5).requires_grad_(true);
        var y = layer.forward(x);
        var sparsity = layer.modules().OfType<NmSparsity>().Single();
        var w = layer.Weight.detach();
        var (forwardMask, backwardMask) = (sparsity.ForwardMask.clone(), sparsity.BackwardMask.clone());
        var bias = conv.bias!.detach();
        // Forward: the dense convolution of the masked weight.
        Assert.True(y.allclose(nn.functional.conv2d(x, w * forwardMask, bias, padding: new long[] { 1, 1 }), rtol: 1e-5, atol: 1e-6), "forward");
        var g = randn_like(y);
        y.backward(new[] { g });
        // Input gradient: through W ⊙ mask_b.
        var x2 = x.detach().requires_grad_(true);
        nn.functional.conv2d(x2, w * backwardMask, bias, padding: new long[] { 1, 1 }).backward(new[] { g });
        Assert.True(x.grad!.allclose(x2.grad!, rtol: 1e-5, atol: 1e-6), "input gradient");
        Assert.False(x.grad!.allclose(GradientThrough(x, w * forwardMask, bias, g), rtol: 1e-5, atol: 1e-6), "the backward mask changes the input gradient");
        // Weight gradient: dense, plus λ·(1 − mask_f)⊙W.
        var w2 = (w * forwardMask).requires_grad_(true);
        nn.functional.conv2d(x.detach(), w2, bias, padding: new long[] { 1, 1 }).backward(new[] { g });
        Assert.True(layer.Weight.grad!.allclose(w2.grad! + 2e-4 * (1 - forwardMask) * w, rtol: 1e-5, atol: 1e-6), "weight gradient");
    }

    private static Tensor GradientThrough(Tensor x, Tensor weight, Tensor bias, Tensor g)
    {
        var x3 = x.detach().requires_grad_(true);
        nn.functional.conv2d(x3, weight, bias, padding: new long[] { 1, 1 }).backward(new[] { g });
        return x3.grad!;
    }

    [Fact]
    public void Forward_only_keeps_the_backward_dense_through_the_forward_mask()
    {
        manual_seed(3);
        var linear = nn.Linear(8, 6);
        var layer = (LowBitLayer)Compression.Sparse(1, 4, "forward", 100, 10, 0).Layer(linear);
        layer.train();
        var x = randn(3, 8).requires_grad_(true);
        var y = layer.forward(x);
        var mask = layer.modules().OfType<NmSparsity>().Single().ForwardMask;
        y.sum().backward();
        Assert.True(x.grad!.allclose(ones(3, 6).mm(layer.Weight.detach() * mask), rtol: 1e-5, atol: 1e-6));
        Assert.Null(layer.modules().OfType<NmSparsity>().Single().InputGradientMask);
    }

    [Fact]
    public void The_permutation_search_never_lowers_the_weights_surviving_both_masks()
    {
        var w = Weight(outputs: 16, inputs: 8, kernel: 1, seed: 4);
        var sparsity = new NmSparsity(w, 2, 4, "bimask", interval: 1, candidates: 20, decay: 0, seed: 7);
        sparsity.train();
        var before = NmMasks.Surviving(sparsity.ForwardMask, sparsity.BackwardMask);
        sparsity.forward(w);
        sparsity.forward(w);
        var after = NmMasks.Surviving(sparsity.ForwardMask, sparsity.BackwardMask);
        Assert.True(after >= before, $"{after} < {before}");
        // The permutation is a buffer: a checkpoint keeps it with the masks.
        Assert.Contains("permutation", sparsity.state_dict().Keys);
        Assert.Contains("forward_mask", sparsity.state_dict().Keys);
        Assert.Equal(16, sparsity.Permutation.unique().Item1.numel());
    }

    [Fact]
    public void Bad_patterns_are_refused_with_what_to_change()
    {
        var w = Weight(outputs: 6, inputs: 3);
        Assert.Contains("1 ≤ N < M", Assert.Throws<ArgumentOutOfRangeException>(() => new NmSparsity(Weight(), 4, 4, "bimask", 1, 1, 0)).Message);
        Assert.Contains("not a multiple of M = 4", Assert.Throws<ArgumentException>(() => new NmSparsity(w, 2, 4, "forward", 1, 1, 0)).Message);
        Assert.Contains("groups the 6 output channels", Assert.Throws<ArgumentException>(() => new NmSparsity(Weight(outputs: 6), 2, 4, "bimask", 1, 1, 0)).Message);
    }

    [Fact]
    public void A_generated_sparse_model_trains_and_keeps_its_masks_in_the_state_dict()
    {
        manual_seed(5);
        using var model = new TinySparseNet();
        var middle = model.modules().OfType<LowBitLayer>().Single(l => l.modules().OfType<NmSparsity>().Any());
        // The mask first, then the 8-bit quantizer, as the compiler orders them.
        var weightChain = middle.named_children().Single(c => c.name == "weight_quant").module.children().Select(m => m.GetType().Name);
        Assert.Equal(new[] { "NmSparsity", "LsqQuantizer" }, weightChain);
        var trainer = new Dsl.Runtime.Training.Trainer(TrainingFixture.Options(epochs: 1), TextWriter.Null);
        var summary = trainer.Fit(model, TrainingFixture.Loader(TrainingFixture.TrainData(64)), TrainingFixture.Loader(TrainingFixture.TestData(32), shuffle: false));
        var sparsity = middle.modules().OfType<NmSparsity>().Single();
        // Every group of 4 weights along C_in·k_h·k_w = 36 keeps 2 in the weight the layer computes with.
        Assert.True((sparsity.ForwardMask.reshape(8, 9, 4).sum(2) == 2).all().item<bool>());
        Assert.Contains(model.state_dict().Keys, k => k.EndsWith("weight_quant.0.permutation", StringComparison.Ordinal));
        // The generated constants: 2:4 halves the middle convolution's 14·14·8·36 = 56,448 MACs.
        Assert.Equal(TinySparseNet.DenseMacs - 56_448 / 2, TinySparseNet.Macs);
        Assert.Equal(TinySparseNet.Macs, summary.Cost.Macs);
    }

    [Fact]
    public void A_trained_model_exports_its_weights_with_the_zeros_in_place_and_reports_its_pattern()
    {
        manual_seed(6);
        using var model = new TinySparseNet();
        model.train();
        model.forward(randn(2, 1, 28, 28));
        var exported = SparseExport.MaskedStateDict(model);
        // The masks and the permutation stay behind; every other key is there.
        Assert.DoesNotContain(exported.Keys, k => k.Contains("mask") || k.Contains("permutation"));
        Assert.Equal(model.state_dict().Keys.Count(k => !k.Contains("mask") && !k.Contains("permutation")), exported.Count);
        // The middle convolution's weight: 2 nonzero in every group of 4 of its 36 inputs per output.
        var weight = exported["middle.weight"];
        Assert.True((weight.reshape(8, 9, 4).ne(0).sum(2) == 2).all().item<bool>());
        var pattern = Assert.Single(SparseExport.Patterns(model));
        Assert.Equal(("middle", 2L, 4L, 0.5), (pattern.Layer, pattern.Kept, pattern.GroupSize, pattern.Density));
        // Written for PyTorch, read back the same.
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.safetensors");
        SparseExport.Save(model, path);
        var read = Dsl.Runtime.Weights.PyTorchWeights.Read(path);
        Assert.True((read["middle.weight"] == weight).all().item<bool>());
        File.Delete(path);
    }

    /// <summary>One step of a sparse layer against the definition: the forward mask's product forward, dx through W ⊙ mask_b, dW dense (decay 0).</summary>
    private static void AssertGradients(nn.Module<Tensor, Tensor> dense, Tensor x, Func<Tensor, Tensor, Tensor?, Tensor> operation)
    {
        var layer = (LowBitLayer)Compression.Sparse(2, 4, "bimask", 100, 10, 0).Layer(dense);
        layer.train();
        var input = x.clone().requires_grad_(true);
        var y = layer.forward(input);
        var sparsity = layer.modules().OfType<NmSparsity>().Single();
        var (w, forwardMask, backwardMask) = (layer.Weight.detach(), sparsity.ForwardMask, sparsity.BackwardMask);
        var bias = dense.named_parameters().Where(p => p.name == "bias").Select(p => p.parameter.detach()).FirstOrDefault();
        var g = randn_like(y);
        y.backward(new[] { g });
        Assert.True(y.allclose(operation(x, w * forwardMask, bias), rtol: 1e-4, atol: 1e-5), "forward");
        var x2 = x.clone().requires_grad_(true);
        operation(x2, w * backwardMask, bias).backward(new[] { g });
        Assert.True(input.grad!.allclose(x2.grad!, rtol: 1e-4, atol: 1e-5), "input gradient");
        var w2 = (w * forwardMask).requires_grad_(true);
        var b2 = bias?.clone().requires_grad_(true);
        operation(x.detach(), w2, b2).backward(new[] { g });
        Assert.True(layer.Weight.grad!.allclose(w2.grad!, rtol: 1e-4, atol: 1e-5), "weight gradient");
        if (b2 is not null) Assert.True(dense.named_parameters().Single(p => p.name == "bias").parameter.grad!.allclose(b2.grad!, rtol: 1e-4, atol: 1e-5), "bias gradient");
    }

    [Fact]
    public void A_strided_grouped_convolution_without_bias_gets_both_gradients_written_out()
    {
        manual_seed(8);
        // 8 inputs in 2 groups: each output sums 4·3·3 = 36; stride 2 on a 9×9 input leaves a
        // remainder row the input gradient must restore.
        var conv = nn.Conv2d(8, 8, 3, stride: 2, padding: 1, dilation: 1, groups: 2, bias: false);
        AssertGradients(conv, randn(2, 8, 9, 9), (x, w, b) => nn.functional.conv2d(x, w, b, strides: new long[] { 2, 2 }, padding: new long[] { 1, 1 }, groups: 2));
    }

    [Fact]
    public void A_dilated_convolution_gets_both_gradients_written_out()
    {
        manual_seed(9);
        var conv = nn.Conv2d(4, 8, 3, padding: 3, dilation: 2);
        AssertGradients(conv, randn(2, 4, 7, 6), (x, w, b) => nn.functional.conv2d(x, w, b, padding: new long[] { 3, 3 }, dilation: new long[] { 2, 2 }));
    }

    [Fact]
    public void A_linear_over_tokens_gets_both_gradients_written_out()
    {
        manual_seed(10);
        AssertGradients(nn.Linear(8, 12), randn(2, 5, 8), (x, w, b) => nn.functional.linear(x, w, b));
    }

    [Fact]
    public void A_one_dimensional_convolution_gets_its_gradients_from_autograd()
    {
        manual_seed(11);
        AssertGradients(nn.Conv1d(4, 8, 3, padding: 1), randn(2, 4, 10), (x, w, b) => nn.functional.conv1d(x, w, b, padding: 1));
    }

    [Fact]
    public void Masks_follow_the_weights_at_every_training_step_and_stay_in_eval()
    {
        var w = Weight(outputs: 8, inputs: 4, kernel: 1, seed: 12);
        var sparsity = new NmSparsity(w, 2, 4, "bimask", interval: 100, candidates: 1, decay: 0);
        var before = sparsity.ForwardMask.clone();
        var flipped = w.flip(1);
        sparsity.eval();
        sparsity.forward(flipped);
        Assert.True((sparsity.ForwardMask == before).all().item<bool>());
        sparsity.train();
        sparsity.forward(flipped);
        Assert.True((sparsity.ForwardMask == NmMasks.Forward(flipped, 2, 4)).all().item<bool>());
        Assert.True((sparsity.BackwardMask == NmMasks.Backward(flipped, sparsity.ForwardMask, sparsity.Permutation, 2, 4)).all().item<bool>());
    }

    [Fact]
    public void The_search_runs_every_interval_training_steps_and_never_at_the_first()
    {
        var w = Weight(outputs: 8, inputs: 4, kernel: 1, seed: 13);
        var sparsity = new NmSparsity(w, 2, 4, "bimask", interval: 3, candidates: 2, decay: 0);
        sparsity.train();
        var searches = new List<int>();
        for (var step = 0; step < 7; step++)
        {
            sparsity.forward(w);
            searches.Add(sparsity.Searches);
        }
        // Steps 0..6: searches before steps 3 and 6.
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1, 2 }, searches);
        var forwardOnly = new NmSparsity(w, 2, 4, "forward", interval: 1, candidates: 2, decay: 0);
        forwardOnly.train();
        forwardOnly.forward(w);
        forwardOnly.forward(w);
        Assert.Equal(0, forwardOnly.Searches);
        Assert.True((forwardOnly.BackwardMask == forwardOnly.ForwardMask).all().item<bool>());
    }

    [Fact]
    public void A_search_that_finds_a_better_permutation_keeps_it()
    {
        // Rows 0-3 keep columns 0 and 1, rows 4-7 columns 2 and 3. In channel order each group of
        // 4 rows has all 4 of its kept weights in the same two columns, so the backward mask keeps
        // 2 of them: 8 survive. Two of each kind per group keeps all 16.
        var rows = tensor(new float[,] { { 10, 10, 1, 1 }, { 1, 1, 10, 10 } });
        var w = (cat(new[] { rows[0].expand(4, 4), rows[1].expand(4, 4) }, 0) + arange(32).reshape(8, 4) * 0.01f).reshape(8, 4, 1, 1);
        var sparsity = new NmSparsity(w, 2, 4, "bimask", interval: 1, candidates: 30, decay: 0, seed: 3);
        var before = NmMasks.Surviving(sparsity.ForwardMask, sparsity.BackwardMask);
        sparsity.train();
        sparsity.forward(w);
        sparsity.forward(w);
        var after = NmMasks.Surviving(sparsity.ForwardMask, sparsity.BackwardMask);
        Assert.True(after > before, $"{after} ≤ {before}");
        Assert.False((sparsity.Permutation == arange(8)).all().item<bool>());
    }

    [Fact]
    public void The_transposable_method_uses_its_one_mask_both_ways()
    {
        var w = Weight(outputs: 8, inputs: 8, kernel: 1, seed: 14);
        var sparsity = new NmSparsity(w, 2, 4, "transposable", interval: 100, candidates: 1, decay: 0);
        Assert.True((sparsity.ForwardMask == sparsity.BackwardMask).all().item<bool>());
        Assert.True((sparsity.ForwardMask.reshape(2, 4, 8).sum(1) <= 2).all().item<bool>());
        Assert.NotNull(sparsity.InputGradientMask);
    }

    [Fact]
    public void Greedy_transposable_masks_pick_by_magnitude_in_every_block()
    {
        // Two 4×4 blocks side by side; in each, the magnitudes are largest on two diagonals, so
        // the greedy choice is exactly those: two per row and two per column.
        var block = tensor(new float[,] { { 9, 8, 1, 1 }, { 1, 9, 8, 1 }, { 1, 1, 9, 8 }, { 8, 1, 1, 9 } });
        var w = cat(new[] { block, block.flip(1) }, 1);
        var mask = NmMasks.Transposable(w, 2, 4);
        var expected = (w > 5).to_type(ScalarType.Float32);
        Assert.True((mask == expected).all().item<bool>(), mask.ToString(TorchSharp.TensorStringStyle.Numpy));
    }

    [Fact]
    public void Surviving_counts_the_weights_in_both_masks()
    {
        var forward = tensor(new float[] { 1, 1, 0, 1 });
        Assert.Equal(2, NmMasks.Surviving(forward, tensor(new float[] { 1, 0, 1, 1 })));
        Assert.Equal(0, NmMasks.Surviving(forward, zeros(4)));
    }

    [Fact]
    public void A_composed_sparse_and_quantized_layer_takes_its_input_gradient_through_the_backward_mask()
    {
        manual_seed(15);
        var layer = (LowBitLayer)Compression.Compose(Compression.Sparse(2, 4, "bimask", 100, 10, 0), Compression.Quant(8, null, "per_channel", "auto", false, true)).Layer(nn.Linear(8, 8));
        layer.train();
        var x = randn(3, 8).requires_grad_(true);
        var y = layer.forward(x);
        var mask = layer.modules().OfType<NmSparsity>().Single().BackwardMask;
        var g = randn_like(y);
        y.backward(new[] { g });
        Tensor transformed;
        using (no_grad()) transformed = layer.QuantizedWeight();
        Assert.True(x.grad!.allclose(g.mm(transformed * mask), rtol: 1e-5, atol: 1e-6));
        Assert.False(x.grad!.allclose(g.mm(transformed), rtol: 1e-5, atol: 1e-6));
    }

    /// <summary>A dense layer, then a sparse one whose input gradient reaches the first layer's weights, then a classifier.</summary>
    private static TorchSharp.Modules.Sequential GapNet(string method)
    {
        manual_seed(16);
        return nn.Sequential(("flatten", nn.Flatten()), ("first", nn.Linear(784, 16)), ("relu", nn.ReLU()),
            ("sparse", Compression.Sparse(2, 4, method, 100, 10, 0).Layer(nn.Linear(16, 16))), ("relu2", nn.ReLU()), ("head", nn.Linear(16, 10)));
    }

    [Fact]
    public void The_gradient_gap_is_one_for_a_dense_backward_and_below_one_for_bimask()
    {
        var data = TrainingFixture.TrainData(32);
        using var forwardNet = GapNet("forward");
        using var bimaskNet = GapNet("bimask");
        forwardNet.train();
        bimaskNet.train();
        forwardNet.forward(data.Images);
        bimaskNet.forward(data.Images);
        Assert.Equal(1.0, new GradientGap().Measure(forwardNet, data.Images, data.Labels), 5);
        var gap = new GradientGap().Measure(bimaskNet, data.Images, data.Labels);
        Assert.InRange(gap, 0.0, 0.99999);
        // Measuring leaves the model as it was: training mode, its own backward.
        Assert.True(bimaskNet.training);
        Assert.NotNull(bimaskNet.modules().OfType<NmSparsity>().Single().InputGradientMask);
    }

    [Fact]
    public void The_gradient_gap_is_averaged_per_epoch_during_training()
    {
        using var model = GapNet("bimask");
        var gap = new GradientGap(every: 2);
        var trainer = new Dsl.Runtime.Training.Trainer(TrainingFixture.Options(epochs: 2), TextWriter.Null);
        trainer.Hooks.Add(gap);
        trainer.Fit(model, TrainingFixture.Loader(TrainingFixture.TrainData(128)), TrainingFixture.Loader(TrainingFixture.TestData(32), shuffle: false));
        Assert.Equal(2, gap.PerEpoch.Count);
        Assert.All(gap.PerEpoch, g => Assert.InRange(g, 0.0, 0.99999));
    }
}
