using Dsl.Runtime.Training;
using TorchSharp;
using static Dsl.Runtime.Tests.TrainingFixture;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

public class TrainerTests
{
    private static (TinyNet Model, TrainingSummary Summary) Train(TrainerOptions options, int images = 256, Action<Trainer>? configure = null)
    {
        manual_seed(options.Seed);
        var model = new TinyNet();
        var trainer = new Trainer(options, TextWriter.Null);
        configure?.Invoke(trainer);
        var summary = trainer.Fit(model, Loader(TrainData(images)), Loader(TestData(128), batch: 64, shuffle: false));
        return (model, summary);
    }

    [Fact]
    public void Training_lowers_the_loss_and_reports_accuracy_and_cost()
    {
        var (model, summary) = Train(Options(epochs: 4));
        Assert.True(summary.History[^1].TrainLoss < summary.History[0].TrainLoss * 0.8, string.Join(", ", summary.History.Select(h => h.TrainLoss)));
        Assert.InRange(summary.Final.Top1, 0.3, 1.0);
        Assert.NotNull(summary.Final.Top5);
        // TinyNet by hand: conv 14·14·4 outputs × 1·9 = 7,056 and linear 196 × 10 = 1,960 MACs;
        // conv 4·9 + 4, batch norm 2·4, linear 196·10 + 10 = 2,018 parameters.
        Assert.Equal(7056 + 1960, summary.Cost.Macs);
        Assert.Equal(40 + 8 + 1970, summary.Cost.Parameters);
        model.Dispose();
    }

    [Fact]
    public void The_same_seed_repeats_a_cpu_run_exactly()
    {
        var (first, _) = Train(Options(epochs: 2));
        var (second, _) = Train(Options(epochs: 2));
        AssertIdentical(Snapshot(first), second);
    }

    [Fact]
    public void Resuming_after_an_interruption_gives_bit_identical_weights()
    {
        var (uninterrupted, _) = Train(Options(epochs: 4));
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.ckpt");
        // Epochs 0 and 1 finish and are checkpointed; the run dies early in epoch 2.
        Assert.Throws<OperationCanceledException>(() => Train(Options(epochs: 4, checkpoint: path), configure: t => t.Hooks.Add(new StopAt(epoch: 2))));
        var (resumed, summary) = Train(Options(epochs: 4, checkpoint: path));
        AssertIdentical(Snapshot(uninterrupted), resumed);
        Assert.Equal(4, summary.History.Count);
        File.Delete(path);
    }

    [Fact]
    public void Hooks_add_losses_and_passes_and_see_every_step()
    {
        var counter = new CountingHook();
        var (_, summary) = Train(Options(epochs: 1), images: 128, configure: t => t.Hooks.Add(counter));
        Assert.Equal(4, counter.Steps);
        // The model's pass and the hook's second one on each of the 4 batches.
        Assert.Equal(8, counter.Passes);
        Assert.Equal(1, counter.Epochs);
        Assert.True(counter.SawExtraLossInTotal);
        Assert.Single(summary.History);
    }

    [Fact]
    public void Gradient_clipping_bounds_the_gradient_norm()
    {
        var probe = new GradientNormHook();
        var options = Options(epochs: 1) with { Optimizer = new OptimizerSpec.Sgd(5.0), GradientClipNorm = 0.25 };
        Train(options, images: 128, configure: t => t.Hooks.Add(probe));
        Assert.All(probe.Norms, n => Assert.True(n <= 0.25 + 1e-4, $"norm {n}"));
        Assert.Equal(4, probe.Norms.Count);
    }

    [Theory]
    [InlineData(0, 1.0, 1.0)]
    [InlineData(8, 0.0, 1.0)]
    [InlineData(3, 0.0, 0.0)]
    public void Evaluation_counts_top1_and_top5_hits(int shift, double expectedTop1, double expectedTop5)
    {
        // Inputs are one-hot labels; Ranker puts class (label + shift + k) mod 10 at rank k.
        var labels = arange(40).remainder(10);
        var images = nn.functional.one_hot(labels, 10).to_type(ScalarType.Float32).reshape(40, 1, 1, 10);
        using var data = new Dsl.Runtime.Data.ImageClassificationData(images, labels, 10, "one-hot");
        using var model = new Ranker(shift);
        var (_, top1, top5) = Trainer.Evaluate(model, Loader(data, 16, shuffle: false), CPU);
        Assert.Equal((expectedTop1, expectedTop5), (top1, top5!.Value));
    }

    private sealed class CountingHook : TrainingHook
    {
        public int Steps;
        public int Passes;
        public int Epochs;
        public bool SawExtraLossInTotal = true;

        public override void AfterForward(StepContext step) => Passes++;

        // A second pass (as a multi-bit-width method's) and a constant, which changes no gradient but must show in the step's loss.
        public override Tensor? AdditionalLoss(StepContext step)
        {
            Passes++;
            return nn.functional.cross_entropy(step.Model.forward(step.Inputs), step.Targets) + 100f;
        }

        public override void OnStepEnd(StepContext step)
        {
            Steps++;
            SawExtraLossInTotal &= step.Loss!.item<float>() > 100f;
        }

        public override void OnEpochEnd(EpochResult result) => Epochs++;
    }

    private sealed class GradientNormHook : TrainingHook
    {
        public List<double> Norms { get; } = new();

        public override void OnStepEnd(StepContext step) =>
            Norms.Add(Math.Sqrt(step.Model.parameters().Where(p => p.grad is not null).Sum(p => p.grad!.pow(2).sum().item<float>())));
    }

    private sealed class Ranker(int shift) : nn.Module<Tensor, Tensor>("Ranker")
    {
        public override Tensor forward(Tensor x)
        {
            var label = x.flatten(1).argmax(1, keepdim: true);
            var rank = (arange(10).unsqueeze(0) - label - shift).remainder(10);
            return -rank.to_type(ScalarType.Float32);
        }
    }
}

/// <summary>The figures methods add to a model's cost reach the runtime through the generated constants.</summary>
public class ModelCostTests
{
    [Fact]
    public void A_binary_model_reports_its_bops_and_ops_under_their_labels_and_a_full_precision_one_none()
    {
        // TinyBinaryNet by hand: stem conv 7,056 MACs, binary conv 14·14·4 × 4·9 = 28,224 MACs at
        // 1·1 bit (28,224 BOPs), linear 1,960 MACs; OPs = 28,224/64 + 7,056 + 1,960 = 9,457. Stored:
        // the binary conv's 144 weights at 1 bit, the other 2,034 of 2,178 parameters at 32.
        using var binary = new TinyBinaryNet();
        var cost = ModelCost.Of(binary);
        Assert.Equal(new[] { ("Bops", "BOPs per image", 28_224.0), ("Operations", "OPs per image (BOPs/64 + MACs)", 9_457.0), ("WeightBits", "stored weight bits", 144 + 32.0 * 2_034) },
            cost.Metrics.Select(m => (m.Name, m.Label, m.Value)));
        Assert.Equal(28_224.0, cost["Bops"]);
        using var full = new TinyNet();
        Assert.Empty(ModelCost.Of(full).Metrics);
        Assert.Null(ModelCost.Of(full)["Bops"]);
        // Binary activations over full-precision weights (W32A1) are not low bit-width operations.
        using var activations = new TinyBinaryActivationsNet();
        Assert.Empty(ModelCost.Of(activations).Metrics);
    }
}
