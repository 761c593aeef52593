using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Sparse;

/// <summary>
/// How far a sparse backward turns the gradient: every <c>every</c> training steps, the
/// cosine similarity between the model's parameter gradients on the step's batch with its own
/// backward (Bi-Mask's or the transposable mask) and with the forward-only method's (the input
/// gradient through the forward mask), averaged over each epoch. 1 means no change; method:
/// forward measures 1 by construction. Each measurement costs two more forward and backward
/// passes, outside the training step.
/// </summary>
public sealed class GradientGap(int every = 20) : TrainingHook
{
    private readonly List<double> _epoch = new();
    private IReadOnlyList<NmSparsity> _layers = Array.Empty<NmSparsity>();

    /// <summary>The mean similarity of each epoch.</summary>
    public List<double> PerEpoch { get; } = new();

    public override void OnTrainStart(nn.Module<Tensor, Tensor> model, TorchSharp.Modules.OptimizerHelper optimizer) =>
        _layers = model.modules().OfType<NmSparsity>().ToList();

    public override void OnStepEnd(StepContext step)
    {
        if (_layers.Count == 0 || step.Step % every != 0) return;
        _epoch.Add(Measure(step.Model, step.Inputs, step.Targets));
    }

    public override void OnEpochEnd(EpochResult result)
    {
        PerEpoch.Add(_epoch.Count == 0 ? double.NaN : _epoch.Average());
        _epoch.Clear();
    }

    /// <summary>The similarity on one batch, in eval mode so that the masks and batch statistics stay as they are.</summary>
    public double Measure(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var training = model.training;
        model.eval();
        try
        {
            var own = Gradients(model, inputs, targets);
            foreach (var layer in _layers.Count > 0 ? _layers : model.modules().OfType<NmSparsity>().ToList()) layer.DenseBackward = true;
            var dense = Gradients(model, inputs, targets);
            return nn.functional.cosine_similarity(own.unsqueeze(0), dense.unsqueeze(0)).item<float>();
        }
        finally
        {
            foreach (var layer in model.modules().OfType<NmSparsity>()) layer.DenseBackward = false;
            model.train(training);
        }
    }

    private static Tensor Gradients(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets)
    {
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        var loss = nn.functional.cross_entropy(model.forward(inputs), targets);
        var grads = torch.autograd.grad(new[] { loss }, parameters.Cast<Tensor>().ToList(), allow_unused: true);
        return cat(grads.Zip(parameters, (g, p) => (g ?? zeros_like(p)).flatten()).ToList(), 0);
    }
}
