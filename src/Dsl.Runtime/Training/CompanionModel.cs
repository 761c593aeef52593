using System.Linq;
using Dsl.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>
/// A second model trained in the same run with its own optimizer (a GAN's discriminator):
/// right after the main model's forward pass it takes one step on its own loss, so the main
/// model's terms (<see cref="TrainingHook.AdditionalLoss"/>) then see it updated, as a GAN
/// alternates. The main optimizer never holds its parameters, and gradients the main loss
/// leaves in it are cleared before its next step; a checkpoint holds it and its optimizer.
/// </summary>
public abstract class CompanionModel : TrainingHook
{
    private OptimizerHelper? _optimizer;
    private DataParallel? _parallel;

    protected CompanionModel(nn.Module<Tensor, Tensor> model, OptimizerSpec optimizer)
    {
        Model = model;
        Optimizer = optimizer;
    }

    public nn.Module<Tensor, Tensor> Model { get; }

    public OptimizerSpec Optimizer { get; }

    /// <summary>Its loss at the latest step.</summary>
    public double LastLoss { get; private set; }

    /// <summary>Its own loss for this step, from the main model's outputs (detach them: the companion's step must not reach the main model).</summary>
    protected abstract Tensor CompanionLoss(StepContext step);

    /// <summary>Moves it to the run's device and creates its optimizer, before a checkpoint restores both.</summary>
    internal OptimizerHelper Prepare(Device device, DataParallel? parallel)
    {
        _parallel = parallel;
        Model.to(device);
        Model.train();
        _optimizer?.Dispose();
        _optimizer = Optimizer.Create(Model.parameters());
        return _optimizer;
    }

    public override void AfterForward(StepContext step)
    {
        _optimizer!.zero_grad();
        var loss = CompanionLoss(step);
        var weight = _parallel?.LossWeight(step.Share) ?? 1;
        (weight == 1 ? loss : loss * weight).backward();
        _parallel?.AverageGradients(Model.parameters());
        _optimizer.step();
        LastLoss = loss.item<float>();
    }
}
