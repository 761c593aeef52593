using Dsl.Runtime.Training;

namespace Dsl.Runtime.Tests;

/// <summary>Calls back at the end of every training step, to read what the step computed.</summary>
internal sealed class StepProbe(Action<StepContext> onStep) : TrainingHook
{
    public override void OnStepEnd(StepContext step) => onStep(step);
}

/// <summary>Interrupts a run at the first step of <paramref name="epoch"/>, as a killed process would.</summary>
internal sealed class StopAt(int epoch) : TrainingHook
{
    public override void OnStepStart(StepContext step)
    {
        if (step.Epoch == epoch) throw new OperationCanceledException("interrupted");
    }
}
