using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// A @distill model's training contribution, which <see cref="Trainer.Fit"/> adds by itself once
/// the teacher is given (<see cref="DistillationState.From"/>): right after the student's pass
/// the teacher runs on the same batch in eval mode without gradients; the task loss keeps
/// 1 − hard of its weight, and the declared soft, hard and ranking terms are added.
/// </summary>
public sealed class Distiller : TrainingHook
{
    private readonly nn.Module<Tensor, Tensor> _teacher;

    public override IEnumerable<nn.Module> Models => new[] { _teacher };
    private readonly DistillationState _settings;
    private readonly IReadOnlyList<Attention> _studentAttention;
    private readonly IReadOnlyList<Attention> _teacherAttention;
    private readonly Generator _pairs = new Generator(0);
    private Tensor? _teacherLogits;

    internal Distiller(nn.Module<Tensor, Tensor> student, DistillationState settings, nn.Module<Tensor, Tensor> teacher)
    {
        _settings = settings;
        _teacher = teacher;
        _studentAttention = student.modules().OfType<Attention>().ToList();
        _teacherAttention = teacher.modules().OfType<Attention>().ToList();
        if (_settings.Ranking > 0 && (_studentAttention.Count == 0 || _studentAttention.Count != _teacherAttention.Count))
            throw new ArgumentException($"attention-ranking distillation pairs attention layers in order, but the student has {_studentAttention.Count} and the teacher {_teacherAttention.Count}");
        foreach (var p in teacher.parameters()) p.requires_grad_(false);
    }

    public override void OnStepStart(StepContext step)
    {
        var ranking = _settings.Ranking > 0;
        foreach (var a in _studentAttention.Concat(_teacherAttention)) a.RecordScores = ranking;
    }

    public override void AfterForward(StepContext step)
    {
        _teacher.to(step.Inputs.device);
        _teacher.eval();
        using (no_grad()) _teacherLogits = _teacher.forward(step.Inputs);
    }

    public override double TaskWeight(StepContext step) => 1 - _settings.Hard;

    public override Tensor? AdditionalLoss(StepContext step)
    {
        var outputs = step.Outputs!;
        var teacherLogits = _teacherLogits!;
        Tensor? loss = null;
        double soft = 0, hard = 0, rank = 0;
        if (_settings.Soft > 0)
        {
            var t = _settings.Temperature;
            var softLoss = -(teacherLogits.div(t).softmax(-1) * outputs.div(t).log_softmax(-1)).sum(-1).mean() * (t * t);
            loss = _settings.Soft * softLoss;
            soft = softLoss.item<float>();
        }
        if (_settings.Hard > 0)
        {
            var head = _settings.DistillationLogits ?? throw new InvalidOperationException("the student's forward produced no distillation-head logits");
            var hardLoss = nn.functional.cross_entropy(head, teacherLogits.argmax(-1));
            loss = loss is null ? _settings.Hard * hardLoss : loss + _settings.Hard * hardLoss;
            hard = hardLoss.item<float>();
        }
        if (_settings.Ranking > 0)
        {
            var terms = _studentAttention.Zip(_teacherAttention, (s, t) => RankingLoss.Compute(s.Scores!, t.Scores!.detach(), _settings.Pairs, _pairs)).ToList();
            var rankLoss = terms.Aggregate((a, b) => a + b) / terms.Count;
            loss = loss is null ? _settings.Ranking * rankLoss : loss + _settings.Ranking * rankLoss;
            rank = rankLoss.item<float>();
        }
        _settings.LastLosses = (step.TaskLoss!.item<float>(), soft, hard, rank);
        return loss;
    }
}
