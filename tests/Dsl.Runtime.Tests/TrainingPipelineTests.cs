using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Dsl.Runtime.Tests.TrainingFixture;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// The training step as a pipeline of contributions, checked against one step written out by
/// hand: a weight on the task loss, a second pass on the same batch, and a companion model
/// with its own optimizer that updates between the main pass and the main loss.
/// </summary>
public class TrainingPipelineTests
{
    private const double Lr = 0.1;

    private static TrainerOptions OneStep(string? checkpoint = null, int epochs = 1) => new()
    {
        Epochs = epochs,
        // With momentum a resumed run needs the optimizer's state; the first step is plain SGD (the buffer starts at the gradient).
        Optimizer = new OptimizerSpec.Sgd(Lr, Momentum: 0.9),
        Schedule = new LearningRateSchedule.Constant(),
        Seed = 5,
        Device = "cpu",
        CheckpointPath = checkpoint,
        Progress = ProgressMode.Silent,
    };

    private static Sequential Classifier()
    {
        manual_seed(11);
        return nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(784, 10)));
    }

    private static void Fit(Trainer trainer, nn.Module<Tensor, Tensor> model, ImageClassificationData data) =>
        trainer.Fit(model, Loader(data, batch: 32, shuffle: false), Loader(TestData(32), batch: 32, shuffle: false));

    /// <summary>
    /// Equal up to float rounding (the trainer and the hand-written step sum in other orders):
    /// 1e-6 is a thousandth of one step's change (lr·|g| ≈ 1e-3), which a wrong weight or a
    /// missing term moves by far more.
    /// </summary>
    private static void AssertClose(Dictionary<string, Tensor> expected, nn.Module actual)
    {
        foreach (var (key, value) in actual.state_dict())
        {
            var gap = (value - expected[key]).abs().max().item<float>();
            Assert.True(gap < 1e-6, $"{key} differs by {gap}");
        }
    }

    private static void SgdStep(nn.Module model, double lr)
    {
        using var noGrad = no_grad();
        foreach (var p in model.parameters()) p.sub_(p.grad! * lr);
    }

    [Fact]
    public void A_weight_on_the_task_loss_and_a_second_pass_add_up_as_written()
    {
        var data = TrainData(32);
        using var model = Classifier();
        using var expected = Classifier();
        var trainer = new Trainer(OneStep(), TextWriter.Null);
        trainer.Hooks.Add(new HalfTask());
        trainer.Hooks.Add(new FlippedPass());
        Fit(trainer, model, data);

        // By hand: 0.5·CE(f(x), y) + 0.3·CE(f(flip(x)), y), one SGD step.
        var (x, y) = (data.Images, data.Labels);
        var loss = 0.5 * nn.functional.cross_entropy(expected.forward(x), y) + 0.3 * nn.functional.cross_entropy(expected.forward(x.flip(3)), y);
        loss.backward();
        SgdStep(expected, Lr);
        AssertClose(Snapshot(expected), model);
    }

    [Fact]
    public void A_companion_steps_on_its_own_loss_before_the_main_loss_reads_it()
    {
        var data = TrainData(32);
        using var model = Classifier();
        using var expected = Classifier();
        manual_seed(12);
        using var critic = nn.Sequential(nn.Linear(10, 1));
        using var expectedCritic = nn.Sequential(nn.Linear(10, 1));
        expectedCritic.load_state_dict(critic.state_dict());
        var trainer = new Trainer(OneStep(), TextWriter.Null);
        var companion = new LabelCritic(critic);
        trainer.Hooks.Add(companion);
        Fit(trainer, model, data);

        // By hand, as a GAN alternates: the main pass; the critic's step on real one-hot labels
        // against the detached predictions; then the main loss through the updated critic.
        var (x, y) = (data.Images, data.Labels);
        var outputs = expected.forward(x);
        var criticLoss = LabelCritic.Loss(expectedCritic, y, outputs.detach());
        criticLoss.backward();
        SgdStep(expectedCritic, LabelCritic.CriticLr);
        foreach (var p in expectedCritic.parameters()) p.grad!.zero_();
        var mainLoss = nn.functional.cross_entropy(outputs, y) + LabelCritic.Adversarial(expectedCritic, outputs);
        mainLoss.backward();
        SgdStep(expected, Lr);
        AssertClose(Snapshot(expected), model);
        // The main optimizer never stepped the critic: it holds the critic's own step alone.
        AssertClose(Snapshot(expectedCritic), critic);
        Assert.Equal(criticLoss.item<float>(), companion.LastLoss, 6);
    }

    /// <summary>Three epochs of the classifier and its critic, from the same start; the checkpointed run may stop at an epoch.</summary>
    private static (Sequential Model, Sequential Critic) RunWithCritic(string? checkpoint, int? stopAt = null)
    {
        var model = Classifier();
        manual_seed(12);
        var critic = nn.Sequential(nn.Linear(10, 1));
        var trainer = new Trainer(OneStep(checkpoint, epochs: 3), TextWriter.Null);
        trainer.Hooks.Add(new LabelCritic(critic));
        if (stopAt is { } epoch) trainer.Hooks.Add(new StopAt(epoch));
        Fit(trainer, model, TrainData(64));
        return (model, critic);
    }

    [Fact]
    public void A_run_with_a_companion_resumes_both_models_and_optimizers_from_its_checkpoint()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.ckpt");
        var (model, critic) = RunWithCritic(checkpoint: null);
        Assert.Throws<OperationCanceledException>(() => RunWithCritic(path, stopAt: 2));
        var (resumedModel, resumedCritic) = RunWithCritic(path);
        AssertIdentical(Snapshot(model), resumedModel);
        AssertIdentical(Snapshot(critic), resumedCritic);
        File.Delete(path);
    }

    [Fact]
    public void A_checkpoint_without_the_runs_companion_is_refused_and_changes_nothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.ckpt");
        using (var plain = Classifier())
        {
            new Trainer(OneStep(path), TextWriter.Null).Fit(plain, Loader(TrainData(32), batch: 32, shuffle: false), Loader(TestData(32), batch: 32, shuffle: false));
        }
        using var model = Classifier();
        var before = Snapshot(model);
        var trainer = new Trainer(OneStep(path, epochs: 2), TextWriter.Null);
        trainer.Hooks.Add(new LabelCritic(nn.Sequential(nn.Linear(10, 1))));
        var e = Assert.Throws<Dsl.Runtime.Data.DataFormatException>(() => Fit(trainer, model, TrainData(32)));
        Assert.Contains("holds 0 companion model(s) but the run trains 1", e.Message);
        AssertIdentical(before, model);
        File.Delete(path);
    }

    private sealed class HalfTask : TrainingHook
    {
        public override double TaskWeight(StepContext step) => 0.5;
    }

    private sealed class FlippedPass : TrainingHook
    {
        public override Tensor? AdditionalLoss(StepContext step) =>
            0.3 * nn.functional.cross_entropy(step.Model.forward(step.Inputs.flip(3)), step.Targets);
    }

    /// <summary>A least-squares critic between one-hot labels (real) and predicted distributions (fake).</summary>
    private sealed class LabelCritic(nn.Module<Tensor, Tensor> critic) : CompanionModel(critic, new OptimizerSpec.Sgd(CriticLr, Momentum: 0.9))
    {
        public const double CriticLr = 0.2;

        public static Tensor Loss(nn.Module<Tensor, Tensor> critic, Tensor labels, Tensor detachedOutputs)
        {
            var real = nn.functional.one_hot(labels, 10).to_type(ScalarType.Float32);
            return (critic.forward(real) - 1).pow(2).mean() + critic.forward(detachedOutputs.softmax(-1)).pow(2).mean();
        }

        public static Tensor Adversarial(nn.Module<Tensor, Tensor> critic, Tensor outputs) => 0.1 * (critic.forward(outputs.softmax(-1)) - 1).pow(2).mean();

        protected override Tensor CompanionLoss(StepContext step) => Loss(Model, step.Targets, step.Outputs!.detach());

        public override Tensor? AdditionalLoss(StepContext step) => Adversarial(Model, step.Outputs!);
    }
}
