using System.Linq;
using Dsl.Runtime.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.MultiBit;

/// <summary>
/// MultiQuant's training step: each batch visits the widths from highest to lowest and one
/// optimizer step takes the sum of their losses. The highest width runs the trainer's own pass
/// and task loss and is the teacher; each lower width's loss is
/// ½·(cross-entropy to the teacher's softmax) + ½·(cross-entropy to the labels), or the labels'
/// alone without distillation.
/// </summary>
public sealed class InPlaceDistillation : TrainingHook
{
    private readonly MultiBitState _state;

    public InPlaceDistillation(MultiBitState state) => _state = state;

    public override void OnStepStart(StepContext step) => _state.Switch(step.Model, _state.Widths.Max);

    public override Tensor? AdditionalLoss(StepContext step)
    {
        var teacher = nn.functional.softmax(step.Outputs!.detach(), 1);
        Tensor? total = null;
        foreach (var bits in _state.Widths.Bits.Reverse().Skip(1))
        {
            _state.Switch(step.Model, bits);
            var loss = WidthLoss(step.Model.forward(step.Inputs), teacher, step.Targets, _state.Distill);
            total = total is null ? loss : total + loss;
        }
        _state.Switch(step.Model, _state.Widths.Max);
        return total;
    }

    /// <summary>One lower width's loss on its <paramref name="logits"/>.</summary>
    public static Tensor WidthLoss(Tensor logits, Tensor teacher, Tensor targets, bool distill)
    {
        var hard = nn.functional.cross_entropy(logits, targets);
        if (!distill) return hard;
        var soft = -(teacher * nn.functional.log_softmax(logits, 1)).sum(1).mean();
        return 0.5 * soft + 0.5 * hard;
    }
}
