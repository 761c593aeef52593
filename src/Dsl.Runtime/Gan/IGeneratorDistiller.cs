using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// What a distillation method adds to training a student generator (a <c>@distill</c> generator
/// brings one): its own trained parts, the student's adversary when the method trains one
/// (DCD's collaborative teacher discriminator), a teacher phase before the student's updates,
/// and the terms it adds to the student's loss.
/// </summary>
public interface IGeneratorDistiller : IDisposable
{
    /// <summary>
    /// Models it trains beside the student, moved to <paramref name="device"/>, with the parameters
    /// their optimizer updates; <c>WithStudent</c> ones (adapters) step on the student's loss, the
    /// others (a discriminator) in <see cref="TeacherPhase"/>. The recipe creates the optimizers.
    /// </summary>
    /// <param name="probe">A batch of sources: one pass of student and teacher on it sizes the adapters.</param>
    /// <param name="discriminatorInput">The recipe's pairing of a source and an image for its discriminator.</param>
    IEnumerable<(string Name, nn.Module Module, IEnumerable<TorchSharp.Modules.Parameter> Parameters, bool WithStudent)> Trained(
        Device device, Tensor probe, Func<Tensor, Tensor, Tensor> discriminatorInput);

    /// <summary>Student updates per teacher phase (DCD's n).</summary>
    int StudentSteps { get; }

    /// <summary>When not null, the student's adversary in place of the recipe's own discriminator, trained in <see cref="TeacherPhase"/>.</summary>
    nn.Module<Tensor, Tensor>? Discriminator { get; }

    /// <summary>
    /// Before the student's updates on a batch: runs the teacher on the sources and, for a method
    /// with its own discriminator, steps it on real targets against the teacher's images.
    /// <paramref name="discriminatorInput"/> is the recipe's pairing (Pix2Pix shows the
    /// discriminator the source beside the image; CycleGAN the image alone).
    /// </summary>
    void TeacherPhase(Tensor source, Tensor target, Func<Tensor, Tensor, Tensor> discriminatorInput, GanObjective objective,
        Func<string, TorchSharp.Modules.OptimizerHelper> optimizer);

    /// <summary>The distillation terms of one student update, weighted, for the student's outputs and named features.</summary>
    Tensor Loss(Tensor studentOutput, INamedTensors studentFeatures);

    /// <summary>The latest update's unweighted terms by name, for the log.</summary>
    IReadOnlyDictionary<string, double> LastLosses { get; }
}
