namespace Dsl.Runtime.Training;

/// <summary>What one epoch measured. Top-5 is null when there are five classes or fewer.</summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double TestLoss,
    double Top1,
    double? Top5,
    double Seconds,
    double ImagesPerSecond,
    double LearningRate);
