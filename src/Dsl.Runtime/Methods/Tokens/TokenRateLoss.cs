using System;
using System.Collections.Generic;
using System.IO;
using Dsl.Runtime.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// DiffRate's cost term while learning rates: λ·(E − target)² added to the task loss, with E
/// the expected MACs under the current soft kept counts. The paper measures E and the target
/// in GFLOPs (unit 1e9) for ImageNet-sized ViTs; by default the difference is taken relative
/// to the target, so the same λ works for a model of any size. After every epoch it reports
/// the expected GMACs and the schedule the rates now choose. With warm-up epochs the cost term
/// is off at first (the reference code's option), so the task loss alone places the rates before
/// the budget pulls them down.
/// </summary>
public sealed class TokenRateLoss : TrainingHook
{
    private readonly TokenState _state;
    private readonly double _lambda;
    private readonly double? _unit;
    private readonly int _warmupEpochs;
    private readonly TextWriter? _log;

    public TokenRateLoss(TokenState state, double lambda = 5, double? unit = null, TextWriter? log = null, int warmupEpochs = 0)
    {
        if (warmupEpochs < 0) throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, "warm-up epochs cannot be negative");
        if (state.TargetMacs <= 0) throw new ArgumentException("the @tokens stack has no target: learned rates need target: or target_gmacs:", nameof(state));
        _state = state;
        _lambda = lambda;
        _unit = unit;
        _log = log;
        _warmupEpochs = warmupEpochs;
    }

    /// <summary>Expected GMACs at the end of each epoch.</summary>
    public List<double> ExpectedGMacs { get; } = new();

    public override Tensor? AdditionalLoss(StepContext step)
    {
        if (step.Epoch < _warmupEpochs) return null;
        var scale = _unit ?? _state.TargetMacs;
        var difference = (_state.ExpectedMacs() - _state.TargetMacs) / scale;
        return (_lambda * difference * difference).to_type(ScalarType.Float32);
    }

    public override void OnEpochEnd(EpochResult result)
    {
        using var noGrad = no_grad();
        using var expected = _state.ExpectedMacs();
        var gmacs = expected.item<double>() / 1e9;
        ExpectedGMacs.Add(gmacs);
        _log?.WriteLine($"epoch {result.Epoch + 1}: expected {gmacs:0.####} GMACs (target {_state.TargetMacs / 1e9:0.####}); {_state.Schedule()}");
    }
}
