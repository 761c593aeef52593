using Dsl.Runtime.Training;

namespace Dsl.Runtime.Tests;

/// <summary>Learning-rate factors from each schedule's definition (10 steps per epoch, 100 in all).</summary>
public class ScheduleTests
{
    [Theory]
    [InlineData(0, 0.1)]     // warm-up: (step + 1) / warm-up steps
    [InlineData(9, 1.0)]
    [InlineData(10, 1.0)]    // cosine starts at 1 ...
    [InlineData(55, 0.5)]    // ... is halfway at the middle of the remaining 90 steps ...
    [InlineData(100, 0.0)]   // ... and ends at the final factor
    public void Cosine_with_linear_warmup(long step, double factor) =>
        Assert.Equal(factor, new LearningRateSchedule.Cosine(WarmupEpochs: 1).Factor(step, 100, 10), 10);

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(29, 1.0)]
    [InlineData(30, 0.1)]
    [InlineData(60, 0.01)]
    public void Step_decay(long step, double factor) =>
        Assert.Equal(factor, new LearningRateSchedule.Step(EveryEpochs: 3).Factor(step, 100, 10), 10);

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(33, 0.7)]
    [InlineData(99, 0.1)]
    public void Linear_decay(long step, double factor) =>
        Assert.Equal(factor, new LearningRateSchedule.Linear(FinalFactor: 0.1).Factor(step, 100, 10), 10);
}
