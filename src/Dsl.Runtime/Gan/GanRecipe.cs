using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Dsl.Runtime.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// How a GAN trains on one batch of source and target images: which models step, on which
/// losses, in which order. <see cref="GanTrainer"/> runs it over epochs, saves its parts and
/// writes sample grids from <see cref="Translate"/>.
/// </summary>
public abstract class GanRecipe : IDisposable
{
    private readonly List<GanPart> _parts = new();

    protected GanRecipe(GanOptions options) => Options = options;

    public GanOptions Options { get; }

    /// <summary>Every model the recipe trains with its optimizer, in a fixed order (the checkpoint's).</summary>
    public IReadOnlyList<GanPart> Parts => _parts;

    /// <summary>Moves the models to the device and creates their optimizers (Adam at the options' rate and betas).</summary>
    /// <param name="probe">A batch of sources on the device, for parts sized by a pass (distillation adapters).</param>
    public void Prepare(Device device, Tensor probe)
    {
        foreach (var part in _parts) part.Optimizer.Dispose();
        _parts.Clear();
        foreach (var (name, module, parameters) in Trained(device, probe)) _parts.Add(new GanPart(name, module, Adam(parameters)));
    }

    /// <summary>The models to train (moved to <paramref name="device"/>), with the parameters their optimizer updates.</summary>
    protected abstract IEnumerable<(string Name, nn.Module Module, IEnumerable<Parameter> Parameters)> Trained(Device device, Tensor probe);

    /// <summary>One training step on a batch; the losses by name.</summary>
    public abstract IReadOnlyDictionary<string, double> Step(Tensor source, Tensor target);

    /// <summary>The generator's images for <paramref name="source"/>, in eval mode, for grids and evaluation.</summary>
    public abstract Tensor Translate(Tensor source);

    protected OptimizerHelper Optimizer(string name) => _parts.First(p => p.Name == name).Optimizer;

    private OptimizerHelper Adam(IEnumerable<Parameter> parameters) =>
        new OptimizerSpec.Adam(Options.LearningRate, Options.Beta1, Options.Beta2).Create(parameters);

    public virtual void Dispose()
    {
        foreach (var part in _parts) part.Optimizer.Dispose();
        GC.SuppressFinalize(this);
    }
}
