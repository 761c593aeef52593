using System;
using Dsl.Runtime.Gan;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>A generator declared with a generator-distillation method (<c>@distill(method: dcd, ...)</c>).</summary>
public interface IDistilledGenerator
{
    GeneratorDistillation Distillation { get; }
}

/// <summary>
/// A generator declared with <c>@distill(method: features | dcd, ...)</c>: its teacher's class,
/// the method, the discriminator class and feature DCD compares through, the loss weights and
/// the student updates per teacher phase. The trained teacher, the discriminator instance and
/// the style network are given at run time with <see cref="From"/>; a GAN recipe then asks it
/// for the <see cref="IGeneratorDistiller"/> that trains the student.
/// </summary>
public sealed class GeneratorDistillation
{
    private nn.Module<Tensor, Tensor>? _teacher;
    private nn.Module<Tensor, Tensor>? _discriminator;
    private FeatureNetwork? _styleNetwork;
    private bool _withoutTeacher;

    public GeneratorDistillation(Type teacher, string method, Type? discriminator, string? layer, double maps, double dcd, double style, double perceptual, long steps)
    {
        if (method is not ("features" or "dcd")) throw new ArgumentException($"generator distillation is method features or dcd, not {method}", nameof(method));
        if (maps < 0 || dcd < 0 || style < 0 || perceptual < 0) throw new ArgumentOutOfRangeException(nameof(maps), "loss weights are non-negative");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "the student takes at least one update per teacher phase");
        if (method == "dcd" && (discriminator is null || layer is null)) throw new ArgumentException("DCD compares through a discriminator's feature: give discriminator and layer");
        (Teacher, Method, Discriminator, Layer, Maps, Dcd, Style, Perceptual, Steps) = (teacher, method, discriminator, layer, maps, dcd, style, perceptual, steps);
    }

    public Type Teacher { get; }
    public string Method { get; }
    public Type? Discriminator { get; }
    public string? Layer { get; }
    public double Maps { get; }
    public double Dcd { get; }
    public double Style { get; }
    public double Perceptual { get; }
    public long Steps { get; }

    /// <summary>
    /// Distils from <paramref name="teacher"/> (an instance of <see cref="Teacher"/>, trained, kept
    /// frozen); DCD also takes the <paramref name="discriminator"/> it trains alongside (an instance
    /// of <see cref="Discriminator"/>, from scratch or not) and, for the style and perceptual
    /// terms, the network whose features they compare (a VGG-16 in the paper).
    /// </summary>
    public void From(nn.Module<Tensor, Tensor> teacher, nn.Module<Tensor, Tensor>? discriminator = null, FeatureNetwork? styleNetwork = null)
    {
        if (teacher.GetType() != Teacher) throw new ArgumentException($"the student is distilled from {Teacher.Name}, not {teacher.GetType().Name}", nameof(teacher));
        if (Method == "dcd")
        {
            if (discriminator is null) throw new ArgumentException($"DCD trains and compares through a {Discriminator!.Name}: give one", nameof(discriminator));
            if (discriminator.GetType() != Discriminator)
                throw new ArgumentException($"the student's DCD discriminator is a {Discriminator!.Name}, not a {discriminator.GetType().Name}", nameof(discriminator));
        }
        if ((Style > 0 || Perceptual > 0) && styleNetwork is null)
            throw new ArgumentException("the style and perceptual terms compare features of a trained network: give one (a FeatureNetwork), or set style: 0, perceptual: 0", nameof(styleNetwork));
        (_teacher, _discriminator, _styleNetwork, _withoutTeacher) = (teacher, discriminator, styleNetwork, false);
    }

    /// <summary>Trains the student on its recipe's losses alone (a baseline without a teacher).</summary>
    public void WithoutTeacher() => (_teacher, _discriminator, _styleNetwork, _withoutTeacher) = (null, null, null, true);

    /// <summary>The distiller for training <paramref name="student"/>; null after <see cref="WithoutTeacher"/>, an error when no teacher was given.</summary>
    public IGeneratorDistiller? CreateDistiller(nn.Module<Tensor, Tensor> student)
    {
        if (_withoutTeacher) return null;
        if (_teacher is null)
            throw new InvalidOperationException($"the generator is distilled from {Teacher.Name}: give its trained teacher with model.Distillation.From(teacher, ...), or call model.Distillation.WithoutTeacher(), before training");
        return new GeneratorDistiller(this, student, _teacher, _discriminator, _styleNetwork);
    }
}
