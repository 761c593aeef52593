using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>Small slices of the shipped Fashion-MNIST subset, and quiet trainer options.</summary>
internal static class TrainingFixture
{
    private static readonly Lazy<(ImageClassificationData Train, ImageClassificationData Test)> Subset =
        new(() => FashionMnist.Load(FashionMnist.Locate(null, full: false)));

    public static ImageClassificationData TrainData(int count) => Slice(Subset.Value.Train, count);

    public static ImageClassificationData TestData(int count) => Slice(Subset.Value.Test, count);

    private static ImageClassificationData Slice(ImageClassificationData data, int count) =>
        new(data.Images.narrow(0, 0, count).clone(), data.Labels.narrow(0, 0, count).clone(), data.Classes, $"subset[:{count}]");

    public static TrainerOptions Options(int epochs, string? checkpoint = null) => new()
    {
        Epochs = epochs,
        Optimizer = new OptimizerSpec.Sgd(0.05, Momentum: 0.9),
        Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 0.5),
        Seed = 3,
        Device = "cpu",
        Progress = ProgressMode.Silent,
        CheckpointPath = checkpoint,
    };

    public static BatchLoader Loader(ImageClassificationData data, int batch = 32, bool shuffle = true) =>
        new(data, batch, shuffle, seed: 3, augment: shuffle ? Augmentations.CropAndFlip(2) : null);

    public static Dictionary<string, Tensor> Snapshot(nn.Module model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    public static void AssertIdentical(Dictionary<string, Tensor> expected, nn.Module actual)
    {
        foreach (var (key, value) in actual.state_dict())
            Assert.True(value.allclose(expected[key], rtol: 0, atol: 0), $"{key} differs");
    }
}
