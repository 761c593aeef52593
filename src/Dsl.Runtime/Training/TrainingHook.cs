using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>
/// What a compression method plugs into the loop without forking it: losses added to the
/// task loss, updates before and after each step (masks, rates, temperatures), and a
/// replacement for the forward-and-loss of a step (a teacher pass, several bit-widths).
/// </summary>
public abstract class TrainingHook
{
    public virtual void OnTrainStart(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer)
    {
    }

    public virtual void OnStepStart(StepContext step)
    {
    }

    /// <summary>A term added to the step's loss (created in the step's dispose scope), or null.</summary>
    public virtual Tensor? AdditionalLoss(StepContext step) => null;

    public virtual void OnStepEnd(StepContext step)
    {
    }

    public virtual void OnEpochEnd(EpochResult result)
    {
    }
}

/// <summary>One optimizer step as hooks see it. Outputs and Loss are set after the forward pass.</summary>
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
    public Tensor? Loss { get; internal set; }
}

/// <summary>Computes a step's outputs and task loss; the default is forward then cross-entropy.</summary>
public delegate (Tensor Outputs, Tensor Loss) StepFunction(StepContext step, Func<Tensor, Tensor, Tensor> taskLoss);
