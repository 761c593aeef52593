using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>
/// One contribution to the training step, which is a pipeline of them: before the forward
/// pass (masks, rates), right after it (a teacher's pass, a companion model's own update),
/// terms added to the loss (distillation, cost, the losses of more passes on the same batch at
/// other bit-widths or widths), a weight on the task loss, and after the optimizer's step.
/// A model's annotations bring theirs (<see cref="ITrainingContributor"/>); a caller adds others.
/// </summary>
public abstract class TrainingHook
{
    public virtual void OnTrainStart(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer)
    {
    }

    public virtual void OnStepStart(StepContext step)
    {
    }

    /// <summary>After the model's forward pass (<see cref="StepContext.Outputs"/> is set), before any loss is taken.</summary>
    public virtual void AfterForward(StepContext step)
    {
    }

    /// <summary>The factor on the task loss (DeiT's hard distillation keeps 1 − hard of it); the hooks' factors multiply.</summary>
    public virtual double TaskWeight(StepContext step) => 1;

    /// <summary>A term added to the step's loss (created in the step's dispose scope), or null.</summary>
    public virtual Tensor? AdditionalLoss(StepContext step) => null;

    public virtual void OnStepEnd(StepContext step)
    {
    }

    public virtual void OnEpochEnd(EpochResult result)
    {
    }

    /// <summary>Models this hook runs beside the trained one (a teacher): a data-parallel run starts them from rank 0's weights, as it does the model.</summary>
    public virtual IEnumerable<nn.Module> Models => Array.Empty<nn.Module>();
}

/// <summary>One optimizer step as hooks see it. Outputs is set after the forward pass, TaskLoss and Loss after the losses.</summary>
public sealed class StepContext
{
    internal StepContext(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, int epoch, long step, Tensor inputs, Tensor targets)
    {
        Model = model;
        Optimizer = optimizer;
        Epoch = epoch;
        Step = step;
        Inputs = inputs;
        Targets = targets;
    }

    public nn.Module<Tensor, Tensor> Model { get; }
    public OptimizerHelper Optimizer { get; }
    public int Epoch { get; }
    public long Step { get; }
    public Tensor Inputs { get; }
    public Tensor Targets { get; }
    public Tensor? Outputs { get; internal set; }

    /// <summary>The task loss of the model's pass, before its weight.</summary>
    public Tensor? TaskLoss { get; internal set; }

    public Tensor? Loss { get; internal set; }

    /// <summary>This rank's fraction of the global batch in a data-parallel run, 1 in one process: its loss weighs K · share (DataParallel.LossWeight).</summary>
    public double Share { get; internal init; } = 1;
}
