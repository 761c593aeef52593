namespace Dsl.Runtime.Gan;

/// <summary>
/// A GAN run: Adam at <see cref="LearningRate"/> with β = (0.5, 0.999) as Pix2Pix and CycleGAN
/// train, the adversarial objective, epochs and batch, where to resume from and save to, and
/// where to write a PNG grid of sample translations after each epoch.
/// </summary>
public sealed record GanOptions(
    int Epochs,
    int BatchSize = 16,
    double LearningRate = 2e-4,
    double Beta1 = 0.5,
    double Beta2 = 0.999,
    GanObjective Objective = GanObjective.Lsgan,
    long Seed = 0,
    string Device = "auto",
    string? CheckpointPath = null,
    string? SamplesFolder = null);
