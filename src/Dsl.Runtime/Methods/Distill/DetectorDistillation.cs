using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>A detector declared with <c>@distill(method: drd, ...)</c>.</summary>
public interface IDistilledDetector
{
    DetectorDistillation Distillation { get; }
}

/// <summary>
/// A @distill(method: drd) detector's settings (Q-DETR): its teacher's class, foreground-aware
/// matching's τ, μ₁, μ₂ and the weight of L_DRD. Given the trained full-precision teacher with
/// <see cref="From"/>, it adds λ·L_DRD over the named features both detectors declare to the
/// detection trainer's set loss.
/// </summary>
public sealed class DetectorDistillation
{
    private nn.Module? _teacher;
    private Func<Tensor, (INamedTensors Outputs, INamedTensors Features)>? _teacherPass;
    private bool _withoutTeacher;

    public DetectorDistillation(Type teacher, double tau, double mu1, double mu2, double drd)
    {
        if (tau is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(tau), tau, "τ is between 0 and 1");
        if (mu1 < 0 || mu2 < 0 || drd < 0) throw new ArgumentOutOfRangeException(nameof(drd), "μ₁, μ₂ and the weight are non-negative");
        (Teacher, Tau, Mu1, Mu2, Drd) = (teacher, tau, mu1, mu2, drd);
    }

    public Type Teacher { get; }
    public double Tau { get; }
    public double Mu1 { get; }
    public double Mu2 { get; }
    public double Drd { get; }

    /// <summary>The latest step's L_DRD (unweighted).</summary>
    public double LastLoss { get; private set; }

    /// <summary>Distils from <paramref name="teacher"/>, an instance of <see cref="Teacher"/> with its trained weights, run in eval mode without gradients.</summary>
    public void From<TOutput>(nn.Module<Tensor, TOutput> teacher) where TOutput : INamedTensors
    {
        if (teacher.GetType() != Teacher) throw new ArgumentException($"the detector is distilled from {Teacher.Name}, not {teacher.GetType().Name}", nameof(teacher));
        if (teacher is not IFeatureTaps<TOutput> taps) throw new ArgumentException($"the teacher {Teacher.Name} names no features to distil", nameof(teacher));
        (_teacher, _withoutTeacher) = (teacher, false);
        _teacherPass = x =>
        {
            var (outputs, features) = taps.ForwardWithFeatures(x);
            return (outputs, features);
        };
        foreach (var p in teacher.parameters()) p.requires_grad_(false);
    }

    /// <summary>Trains on the set loss alone (plain quantization-aware training, the baseline).</summary>
    public void WithoutTeacher() => (_teacher, _teacherPass, _withoutTeacher) = (null, null, true);

    /// <summary>The L_DRD term of a training step, or null without a teacher; an error when none was given or chosen.</summary>
    internal Tensor? Term(Tensor images, INamedTensors studentOutputs, INamedTensors studentFeatures, IReadOnlyList<DetectionTarget> targets)
    {
        if (_withoutTeacher) return null;
        var teacher = _teacher ?? throw new InvalidOperationException(
            $"the detector is distilled from {Teacher.Name}: give its trained teacher with model.Distillation.From(teacher), or call model.Distillation.WithoutTeacher(), before training");
        var (_, studentBoxes) = DetectionTrainer.Heads(studentOutputs);
        teacher.to(images.device);
        teacher.eval();
        INamedTensors teacherOutputs, teacherFeatures;
        using (no_grad()) (teacherOutputs, teacherFeatures) = _teacherPass!(images);
        var (_, teacherBoxes) = DetectionTrainer.Heads(teacherOutputs);
        var teacherMaps = teacherFeatures.Named.ToDictionary(n => n.Name, n => n.Tensor);
        var terms = new List<Tensor>();
        foreach (var (name, feature) in studentFeatures.Named)
        {
            if (!teacherMaps.TryGetValue(name, out var teacherFeature))
                throw new ArgumentException($"the student's feature '{name}' has no counterpart in the teacher {Teacher.Name}, which names {string.Join(", ", teacherMaps.Keys)}");
            terms.Add(DistributionRectification.Loss(DetectionTrainer.LastLayer(feature), DetectionTrainer.LastLayer(teacherFeature), studentBoxes, teacherBoxes, targets, Tau, Mu1, Mu2));
        }
        var loss = terms.Aggregate((a, b) => a + b);
        LastLoss = loss.item<float>();
        return Drd * loss;
    }
}
