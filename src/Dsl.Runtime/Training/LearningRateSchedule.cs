using System;

namespace Dsl.Runtime.Training;

/// <summary>
/// The learning rate as a factor of the optimizer's base rate, a pure function of the step:
/// a resumed run recomputes it from the step count, so there is no schedule state to lose.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <param name="step">Optimizer steps taken so far (0 for the first).</param>
    /// <param name="totalSteps">Steps in the whole run.</param>
    /// <param name="stepsPerEpoch">Steps in one epoch.</param>
    public abstract double Factor(long step, long totalSteps, long stepsPerEpoch);

    public sealed record Constant : LearningRateSchedule
    {
        public override double Factor(long step, long totalSteps, long stepsPerEpoch) => 1;
    }

    /// <summary>Linear warm-up from 0 over <paramref name="WarmupEpochs"/>, then cosine decay to <paramref name="FinalFactor"/>.</summary>
    public sealed record Cosine(double WarmupEpochs = 0, double FinalFactor = 0) : LearningRateSchedule
    {
        public override double Factor(long step, long totalSteps, long stepsPerEpoch)
        {
            var warmup = (long)Math.Round(WarmupEpochs * stepsPerEpoch);
            if (step < warmup) return (step + 1) / (double)warmup;
            var progress = (step - warmup) / (double)Math.Max(1, totalSteps - warmup);
            return FinalFactor + (1 - FinalFactor) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
        }
    }

    /// <summary>Multiply by <paramref name="Gamma"/> every <paramref name="EveryEpochs"/> epochs.</summary>
    public sealed record Step(int EveryEpochs, double Gamma = 0.1) : LearningRateSchedule
    {
        public override double Factor(long step, long totalSteps, long stepsPerEpoch) =>
            Math.Pow(Gamma, step / (EveryEpochs * stepsPerEpoch));
    }

    /// <summary>Linear decay from 1 to <paramref name="FinalFactor"/> over the run.</summary>
    public sealed record Linear(double FinalFactor = 0) : LearningRateSchedule
    {
        public override double Factor(long step, long totalSteps, long stepsPerEpoch) =>
            1 - (1 - FinalFactor) * Math.Min(1, step / (double)Math.Max(1, totalSteps - 1));
    }
}
