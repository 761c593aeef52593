using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// Runs a @distill model's training steps: the teacher in eval mode without gradients on the
/// same batch, then the student's task loss and the declared distillation losses. Attach it
/// to a trainer with <see cref="Attach"/>.
/// </summary>
public sealed class Distiller
{
    private readonly nn.Module<Tensor, Tensor> _teacher;
    private readonly DistillationState _settings;
    private readonly IReadOnlyList<Attention> _studentAttention;
    private readonly IReadOnlyList<Attention> _teacherAttention;
    private readonly Generator _pairs = new Generator(0);

    private Distiller(nn.Module<Tensor, Tensor> student, nn.Module<Tensor, Tensor> teacher)
    {
        if (student is not IDistilled distilled) throw new ArgumentException($"{student.GetType().Name} has no @distill annotation", nameof(student));
        _settings = distilled.Distillation;
        if (teacher.GetType() != _settings.Teacher)
            throw new ArgumentException($"{student.GetType().Name} is distilled from {_settings.Teacher.Name}, not {teacher.GetType().Name}", nameof(teacher));
        _teacher = teacher;
        _studentAttention = student.modules().OfType<Attention>().ToList();
        _teacherAttention = teacher.modules().OfType<Attention>().ToList();
        if (_settings.Ranking > 0 && (_studentAttention.Count == 0 || _studentAttention.Count != _teacherAttention.Count))
            throw new ArgumentException($"attention-ranking distillation pairs attention layers in order, but the student has {_studentAttention.Count} and the teacher {_teacherAttention.Count}");
        foreach (var p in teacher.parameters()) p.requires_grad_(false);
    }

    /// <summary>The latest step's losses: task, soft, hard and ranking (0 when not used).</summary>
    public (double Task, double Soft, double Hard, double Ranking) LastLosses { get; private set; }

    /// <summary>Makes <paramref name="trainer"/> distil <paramref name="student"/> from <paramref name="teacher"/> (its trained weights already loaded).</summary>
    public static Distiller Attach(Trainer trainer, nn.Module<Tensor, Tensor> student, nn.Module<Tensor, Tensor> teacher)
    {
        var distiller = new Distiller(student, teacher);
        trainer.Step = distiller.Step;
        return distiller;
    }

    private (Tensor Outputs, Tensor Loss) Step(StepContext step, Func<Tensor, Tensor, Tensor> taskLoss)
    {
        var ranking = _settings.Ranking > 0;
        foreach (var a in _studentAttention.Concat(_teacherAttention)) a.RecordScores = ranking;
        _teacher.to(step.Inputs.device);
        _teacher.eval();
        Tensor teacherLogits;
        using (no_grad()) teacherLogits = _teacher.forward(step.Inputs);
        var outputs = step.Model.forward(step.Inputs);

        var task = taskLoss(outputs, step.Targets);
        var loss = (1 - _settings.Hard) * task;
        double soft = 0, hard = 0, rank = 0;
        if (_settings.Soft > 0)
        {
            var t = _settings.Temperature;
            var softLoss = -(teacherLogits.div(t).softmax(-1) * outputs.div(t).log_softmax(-1)).sum(-1).mean() * (t * t);
            loss = loss + _settings.Soft * softLoss;
            soft = softLoss.item<float>();
        }
        if (_settings.Hard > 0)
        {
            var head = ((IDistilled)step.Model).Distillation.DistillationLogits
                ?? throw new InvalidOperationException("the student's forward produced no distillation-head logits");
            var hardLoss = nn.functional.cross_entropy(head, teacherLogits.argmax(-1));
            loss = loss + _settings.Hard * hardLoss;
            hard = hardLoss.item<float>();
        }
        if (ranking)
        {
            var terms = _studentAttention.Zip(_teacherAttention, (s, t) => RankingLoss.Compute(s.Scores!, t.Scores!.detach(), _settings.Pairs, _pairs)).ToList();
            var rankLoss = terms.Aggregate((a, b) => a + b) / terms.Count;
            loss = loss + _settings.Ranking * rankLoss;
            rank = rankLoss.item<float>();
        }
        LastLosses = (task.item<float>(), soft, hard, rank);
        return (outputs, loss);
    }
}
