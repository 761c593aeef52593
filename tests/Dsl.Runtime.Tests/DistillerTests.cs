using Dsl.Runtime.Training;
using TorchSharp;
using static Dsl.Runtime.Tests.TrainingFixture;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>The distillation losses of one step, against the method's definition computed by hand on the same batch.</summary>
public class DistillerTests
{
    private static TrainerOptions OneStep() => Options(epochs: 1) with { Optimizer = new OptimizerSpec.Sgd(0.01, Momentum: 0) };

    /// <summary>One training step on one batch of 32; what the step's loss and task loss were.</summary>
    private static (double Loss, double Task) Step(nn.Module<Tensor, Tensor> student)
    {
        double loss = 0, task = 0;
        var trainer = new Trainer(OneStep(), TextWriter.Null);
        trainer.Hooks.Add(new StepProbe(step => (loss, task) = (step.Loss!.item<float>(), step.TaskLoss!.item<float>())));
        trainer.Fit(student, Loader(TrainData(32), batch: 32, shuffle: false), Loader(TestData(32), shuffle: false));
        return (loss, task);
    }

    [Fact]
    public void Soft_distillation_is_the_cross_entropy_to_the_teachers_softened_outputs_times_T_squared()
    {
        manual_seed(21);
        using var teacher = new TinyNet();
        using var student = new TinyBinaryNet();
        // The same batch through copies of both, before the step changes anything.
        using var studentCopy = new TinyBinaryNet();
        studentCopy.load_state_dict(student.state_dict());
        teacher.eval();
        studentCopy.train();
        var x = TrainData(32).Images;
        Tensor expected;
        using (no_grad())
        {
            const double t = 2;
            var teacherLogits = teacher.forward(x);
            var studentLogits = studentCopy.forward(x);
            expected = -(teacherLogits.div(t).softmax(-1) * studentLogits.div(t).log_softmax(-1)).sum(-1).mean() * (t * t);
        }
        student.Distillation.From(teacher);
        var (loss, task) = Step(student);
        var (recordedTask, soft, hard, ranking) = student.Distillation.LastLosses;
        Assert.Equal(expected.item<float>(), soft, 4);
        Assert.Equal((0.0, 0.0), (hard, ranking));
        // soft: 1, hard: 0: the task loss keeps its whole weight and the soft term adds once.
        Assert.Equal(task + 1 * soft, loss, 4);
        Assert.Equal(task, recordedTask, 5);
    }

    [Fact]
    public void Hard_distillation_weighs_the_task_by_one_minus_hard_and_adds_each_term_by_its_weight()
    {
        manual_seed(22);
        using var teacher = new TinyViT();
        using var student = new TinyBiViT();
        student.Distillation.From(teacher);
        var (loss, task) = Step(student);
        var (_, soft, hard, ranking) = student.Distillation.LastLosses;
        Assert.True(hard > 0 && ranking > 0, student.Distillation.LastLosses.ToString());
        // TinyBiViT: hard 0.5, ranking 1, soft 0.
        Assert.Equal((1 - 0.5) * task + 0.5 * hard + 1 * ranking, loss, 4);
        Assert.Equal(0, soft);
    }
}
