using Dsl.Runtime.MultiBit;
using Dsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>@multibit at run time, against MultiQuant's definition: the quantizers, the branch table, switchable BN, the in-place step.</summary>
public class MultiBitTests
{
    /// <summary>stem → [fc1 → switchable BN → ReLU → fc2] → head, the bracket the branched body, as generated code lays one out.</summary>
    private sealed class TinyMultiBit : nn.Module<Tensor, Tensor>, IMultiBit
    {
        private readonly nn.Module<Tensor, Tensor> stem;
        private readonly nn.Module<Tensor, Tensor> fc1;
        private readonly nn.Module<Tensor, Tensor> bn1;
        private readonly nn.Module<Tensor, Tensor> fc2;
        private readonly nn.Module<Tensor, Tensor> head;
        private readonly MultiBitState multibit;

        public TinyMultiBit(long[] bits, string method = "multibranch", bool distill = true, long inputs = 6, long classes = 3) : base(nameof(TinyMultiBit))
        {
            multibit = new MultiBitState(bits, method, amortized: true, distill);
            var compression = Compression.MultiBit(bits, method, amortized: true, distill);
            stem = Layers.Linear(inputs, 8);
            fc1 = Layers.Linear(8, 8, compression: compression);
            bn1 = Layers.BatchNorm(8, 1, compression: compression);
            fc2 = Layers.Linear(8, 8, compression: compression);
            head = Layers.Linear(8, classes);
            RegisterComponents();
        }

        public MultiBitState MultiBit => multibit;

        public override Tensor forward(Tensor x)
        {
            var h = multibit.Enter(stem.forward(x.flatten(1)));
            h = fc2.forward(nn.functional.relu(bn1.forward(fc1.forward(h))));
            return head.forward(multibit.Leave(h));
        }
    }

    private static TinyMultiBit Tiny(long[] bits, string method = "multibranch", bool distill = true, long inputs = 6, long classes = 3)
    {
        manual_seed(3);
        return new TinyMultiBit(bits, method, distill, inputs, classes);
    }

    private static float[] Distinct(Tensor t) => t.flatten().unique().output.data<float>().ToArray();

    [Fact]
    public void Two_bit_weights_take_exactly_the_four_values_minus_one_minus_a_third_a_third_one()
    {
        manual_seed(0);
        var w = randn(4000);
        var q = MultiBitQuantizers.Weight(w, tensor(-1.5f), tensor(1.5f), 2);
        var values = Distinct(q);
        Assert.Equal(4, values.Length);
        foreach (var (expected, actual) in new[] { -1f, -1f / 3, 1f / 3, 1f }.Zip(values)) Assert.Equal(expected, actual, 6);
        // w = 0 sits at (0 − l)/(u − l) = ½ → round(1.5) = 2 → 2·(2/3 − ½) = ⅓; w = −1.5 clips to −1.
        Assert.Equal(1f / 3, MultiBitQuantizers.Weight(tensor(0f), tensor(-1.5f), tensor(1.5f), 2).item<float>(), 6);
        Assert.Equal(-1f, MultiBitQuantizers.Weight(tensor(-9f), tensor(-1.5f), tensor(1.5f), 2).item<float>(), 6);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void A_b_bit_activation_has_at_most_two_to_the_b_levels_in_zero_to_one(int bits)
    {
        var x = linspace(-1, 3, 5000);
        var q = MultiBitQuantizers.Activation(x, tensor(0f), tensor(2f), bits);
        var levels = Distinct(q);
        // The range [0, 2] holds every level; below 0 and above 2 clip to 0 and 1.
        Assert.Equal(1 << bits, levels.Length);
        Assert.Equal(0f, levels[0]);
        Assert.Equal(1f, levels[^1]);
        Assert.Equal(1f / ((1 << bits) - 1), levels[1], 5);
    }

    [Fact]
    public void Rounding_passes_the_gradient_straight_through_inside_the_bounds_and_none_outside()
    {
        var x = tensor(new[] { -0.5f, 0.3f, 0.9f, 1.7f }, requires_grad: true);
        MultiBitQuantizers.Activation(x, tensor(0f), tensor(1f), 2).sum().backward();
        // d/dx of clip(x) with rounding passed through: 1/(u − l) inside, 0 where it clips.
        Assert.Equal(new[] { 0f, 1f, 1f, 0f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Bounds_start_from_one_batch_as_the_method_says()
    {
        var w = tensor(new[] { -2f, 0f, 2f, 0f });
        var std = w.std().item<float>();
        Assert.Equal((-3 * std, 3 * std), MultiBitQuantizers.WeightBounds(w));
        var x = tensor(new[] { 0f, 1f, 2f, 5f });
        var (lower, upper) = MultiBitQuantizers.ActivationBounds(x);
        Assert.Equal(0, lower);
        Assert.Equal(3 * x.std().item<float>() / Math.Sqrt(1 - 2 / Math.PI), upper, 5);
    }

    [Fact]
    public void The_amortized_table_for_four_branches_is_the_methods()
    {
        string Table(long bits) => string.Join(" ", BranchTable.For(bits, 4, amortized: true).Select(u => u.Half ? $"½{u.Branch}" : $"{u.Branch}"));
        Assert.Equal("0", Table(2));
        Assert.Equal("0 ½1", Table(3));
        Assert.Equal("1 2", Table(4));
        Assert.Equal("1 2 ½3", Table(5));
        Assert.Equal("1 2 3", Table(6));
        Assert.Equal("0 1 2 ½3", Table(7));
        Assert.Equal("0 1 2 3", Table(8));
    }

    [Fact]
    public void Without_amortization_or_with_fewer_branches_the_branches_run_in_order()
    {
        string Table(long bits, int branches, bool amortized) =>
            string.Join(" ", BranchTable.For(bits, branches, amortized).Select(u => u.Half ? $"½{u.Branch}" : $"{u.Branch}"));
        Assert.Equal("0 1", Table(4, 4, amortized: false));
        Assert.Equal("0 1 2 ½3", Table(7, 4, amortized: false));
        Assert.Equal("0 ½1", Table(3, 2, amortized: true));
        Assert.Equal("0 1", Table(4, 2, amortized: true));
        Assert.Equal(2, BranchTable.Branches(new long[] { 2, 3, 4 }));
        Assert.Equal(4, BranchTable.Branches(new long[] { 2, 7 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BranchTable.For(5, 2, amortized: true));
    }

    [Fact]
    public void Each_branch_of_a_layer_quantizes_its_own_weights_to_four_values()
    {
        manual_seed(1);
        var layer = new MultiBitLayer(nn.Conv2d(4, 8, 3), new MultiBitWidths(new long[] { 2, 4, 6, 8 }, "multibranch", amortized: true));
        for (var branch = 0; branch < 4; branch++)
        {
            Assert.Equal(4, Distinct(layer.QuantizedWeight(branch)).Length);
        }
        // Four independent draws, not four copies.
        Assert.False(layer.QuantizedWeight(0).eq(layer.QuantizedWeight(1)).all().item<bool>());
    }

    [Fact]
    public void The_switch_baseline_re_quantizes_one_set_of_weights_to_each_width()
    {
        manual_seed(1);
        var layer = new MultiBitLayer(nn.Linear(64, 64), new MultiBitWidths(new long[] { 2, 4 }, "switch", amortized: true));
        layer.Use(2);
        Assert.Equal(4, Distinct(layer.QuantizedWeight(0)).Length);
        layer.Use(4);
        Assert.Equal(16, Distinct(layer.QuantizedWeight(0)).Length);
    }

    [Fact]
    public void Half_a_branch_computes_its_first_c_over_root_two_channels_and_leaves_the_rest_zero()
    {
        manual_seed(2);
        var layer = new MultiBitLayer(nn.Conv2d(4, 8, 3, padding: 1), new MultiBitWidths(new long[] { 2, 3, 4 }, "multibranch", amortized: true));
        layer.Use(3);
        var y = layer.forward(rand(2 * 5, 4, 6, 6));
        // Width 3 runs branch 0 on the first copy and half of branch 1 on the second: round(8/√2) = 6 channels.
        Assert.Equal(6, BranchTable.HalfChannels(8));
        var half = y[5..];
        Assert.True((half[.., 6..] == 0).all().item<bool>());
        Assert.True((half[.., ..6].abs().sum(new long[] { 0, 2, 3 }) > 0).all().item<bool>());
        Assert.True((y[..5].abs().sum(new long[] { 0, 2, 3 }) > 0).all().item<bool>());
    }

    [Fact]
    public void The_switchable_batch_norm_of_a_width_learns_only_that_widths_statistics()
    {
        var model = Tiny(new long[] { 2, 4 });
        var norm = model.modules().OfType<SwitchableBatchNorm>().Single();
        model.train();
        model.BitWidth = 4;
        model.forward(randn(16, 6));
        // Width 4 runs branches 0 and 1 (two branches: in order), width 2 branch 0 alone.
        Assert.False(norm.RunningMean(0, 4).eq(0).all().item<bool>());
        Assert.False(norm.RunningMean(1, 4).eq(0).all().item<bool>());
        Assert.True(norm.RunningMean(0, 2).eq(0).all().item<bool>());
        model.BitWidth = 2;
        model.forward(randn(16, 6));
        Assert.False(norm.RunningMean(0, 2).eq(0).all().item<bool>());
        Assert.True(norm.RunningMean(1, 2).eq(0).all().item<bool>());
    }

    [Fact]
    public void A_width_the_model_was_not_built_for_is_refused_naming_those_it_was()
    {
        var model = Tiny(new long[] { 2, 4, 8 });
        Assert.Equal(8, model.BitWidth);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.BitWidth = 3);
        Assert.Contains("2, 4, 8", error.Message);
        Assert.Equal(8, model.BitWidth);
    }

    [Fact]
    public void The_body_runs_each_branch_on_its_copy_and_averages_them()
    {
        var model = Tiny(new long[] { 2, 4 });
        model.eval();
        var state = model.MultiBit;
        model.BitWidth = 4;
        var x = randn(3, 8);
        var copies = state.Enter(x);
        Assert.Equal(new long[] { 6, 8 }, copies.shape);
        Assert.True(state.Leave(copies).allclose(x));
        var two = cat(new[] { x, 3 * x }, 0);
        Assert.True(state.Leave(two).allclose(2 * x));
    }

    [Fact]
    public void The_in_place_step_takes_the_gradients_of_the_sum_of_the_widths_losses()
    {
        var bits = new long[] { 2, 3, 4 };
        var model = Tiny(bits);
        model.train();
        manual_seed(5);
        var (x, y) = (randn(8, 6), randint(0, 3, new long[] { 8 }));

        // From the definition: the top width learns from the labels; each lower one ½ soft cross-entropy to the top's softmax + ½ to the labels.
        model.BitWidth = 4;
        var top = model.forward(x);
        var teacher = nn.functional.softmax(top.detach(), 1);
        var expected = nn.functional.cross_entropy(top, y);
        foreach (var b in new long[] { 3, 2 })
        {
            model.BitWidth = b;
            var logits = model.forward(x);
            var soft = -(teacher * nn.functional.log_softmax(logits, 1)).sum(1).mean();
            expected = expected + 0.5 * soft + 0.5 * nn.functional.cross_entropy(logits, y);
        }
        expected.backward();
        var reference = model.parameters().Select(p => p.grad?.clone()).ToList();
        model.zero_grad();

        var hook = model.MultiBit.Contributions(model, TextWriter.Null).Single();
        model.BitWidth = 2;
        var step = new StepContext(model, null!, epoch: 0, step: 0, x, y);
        hook.OnStepStart(step);
        step.Outputs = model.forward(x);
        (nn.functional.cross_entropy(step.Outputs, y) + hook.AdditionalLoss(step)!).backward();
        Assert.Equal(4, model.BitWidth);
        foreach (var (p, g) in model.parameters().Zip(reference))
        {
            if (g is null) Assert.True(p.grad is null || p.grad.eq(0).all().item<bool>());
            else Assert.True(p.grad!.allclose(g, rtol: 1e-4, atol: 1e-6), "a gradient differs from the sum of the widths' losses'");
        }
        Assert.Contains(reference, g => g is not null && g.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Without_distillation_the_lower_widths_learn_from_the_labels_alone()
    {
        var logits = tensor(new[,] { { 2f, 0f, -1f } });
        var teacher = tensor(new[,] { { 0f, 1f, 0f } });
        var target = tensor(new long[] { 0 });
        var hard = nn.functional.cross_entropy(logits, target).item<float>();
        Assert.Equal(hard, InPlaceDistillation.WidthLoss(logits, teacher, target, distill: false).item<float>(), 5);
        var soft = -nn.functional.log_softmax(logits, 1)[0, 1].item<float>();
        Assert.Equal(0.5f * soft + 0.5f * hard, InPlaceDistillation.WidthLoss(logits, teacher, target, distill: true).item<float>(), 5);
    }

    [Fact]
    public void A_state_dict_round_trips_with_every_width_intact()
    {
        var bits = new long[] { 2, 3, 4 };
        var model = Tiny(bits);
        model.train();
        foreach (var b in bits)
        {
            model.BitWidth = b;
            model.forward(randn(16, 6));
        }
        var path = Path.Combine(Path.GetTempPath(), $"multibit-{Guid.NewGuid():N}.dat");
        model.save(path);
        manual_seed(99);
        var loaded = new TinyMultiBit(bits);
        loaded.load(path);
        File.Delete(path);
        model.eval();
        loaded.eval();
        var x = randn(5, 6);
        foreach (var b in bits)
        {
            model.BitWidth = b;
            loaded.BitWidth = b;
            Assert.True(model.forward(x).allclose(loaded.forward(x)), $"width {b} differs after loading");
        }
    }

    [Fact]
    public void The_weight_error_measures_each_run_branch_against_its_quantized_values_in_its_own_range()
    {
        manual_seed(4);
        var layer = new MultiBitLayer(nn.Linear(8, 4), new MultiBitWidths(new long[] { 2, 4 }, "multibranch", amortized: true));
        // Width 2 runs branch 0. Its weights w, bounds ±3·std, 2-bit levels mapped back: l + (u − l)·(ŵ + 1)/2.
        var w = layer.parameters().First()[0];
        var std = w.std().item<float>();
        var unit = ((w + 3 * std) / (6 * std)).clamp(0, 1);
        var restored = -3 * std + 6 * std * (unit * 3).round() / 3;
        var (error, energy) = layer.WeightError(2);
        Assert.Equal((w - restored).square().sum().item<float>(), error, 4);
        Assert.Equal(w.square().sum().item<float>(), energy, 4);
        // Width 4 runs branches 0 and 1: twice the weights.
        Assert.True(layer.WeightError(4).Energy > energy);
    }

    [Fact]
    public void Trainer_fit_runs_the_in_place_step_the_model_brings()
    {
        // One SGD step of Fit on 32 images against the step by hand: CE at 4 bits, then at 2 bits
        // ½ soft cross-entropy to the 4-bit softmax + ½ CE, summed, one step.
        var data = TrainingFixture.TrainData(32);
        using var model = Tiny(new long[] { 2, 4 }, inputs: 784, classes: 10);
        using var expected = Tiny(new long[] { 2, 4 }, inputs: 784, classes: 10);
        var options = new TrainerOptions { Epochs = 1, Optimizer = new OptimizerSpec.Sgd(0.1), Schedule = new LearningRateSchedule.Constant(), Device = "cpu", Progress = ProgressMode.Silent };
        new Trainer(options, TextWriter.Null).Fit(model, TrainingFixture.Loader(data, batch: 32, shuffle: false), TrainingFixture.Loader(TrainingFixture.TestData(32), batch: 32, shuffle: false));

        expected.train();
        var (x, y) = (data.Images, data.Labels);
        var top = expected.forward(x);
        var teacher = nn.functional.softmax(top.detach(), 1);
        expected.BitWidth = 2;
        var low = expected.forward(x);
        var loss = nn.functional.cross_entropy(top, y) + 0.5 * -(teacher * nn.functional.log_softmax(low, 1)).sum(1).mean() + 0.5 * nn.functional.cross_entropy(low, y);
        loss.backward();
        using (no_grad())
        {
            foreach (var p in expected.parameters()) p.sub_(p.grad! * 0.1);
        }
        foreach (var ((key, value), (_, reference)) in model.state_dict().Zip(expected.state_dict()))
        {
            Assert.True((value - reference).abs().max().item<float>() < 1e-5, $"{key} differs from the step by hand");
        }
        Assert.Equal(4, model.BitWidth);
    }
}
