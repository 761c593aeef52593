using System.Security.Cryptography;
using Dsl.Runtime.Checkpoints;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using static Dsl.Runtime.Tests.TrainingFixture;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>A bad checkpoint is refused with its name, and nothing on disk or in the model changes.</summary>
public class CheckpointTests
{
    private static string SavedCheckpoint()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.ckpt");
        using var model = new TinyNet();
        using var optimizer = new OptimizerSpec.Adam().Create(model.parameters());
        Checkpoint.Save(path, model, optimizer, new CheckpointState(nameof(TinyNet), 1, 10, 0, new List<EpochResult>()));
        return path;
    }

    private static void AssertRefused(string path, nn.Module<Tensor, Tensor> model, string problem)
    {
        var hash = SHA256.HashData(File.ReadAllBytes(path));
        var before = Snapshot(model);
        using var optimizer = new OptimizerSpec.Adam().Create(model.parameters());
        var error = Assert.Throws<DataFormatException>(() => Checkpoint.Load(path, model, optimizer));
        Assert.StartsWith($"{path}: {problem}", error.Message);
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(path)));
        AssertIdentical(before, model);
    }

    [Fact]
    public void A_checkpoint_round_trips()
    {
        var path = SavedCheckpoint();
        using var model = new TinyNet();
        using var optimizer = new OptimizerSpec.Adam().Create(model.parameters());
        var state = Checkpoint.Load(path, model, optimizer);
        Assert.Equal((nameof(TinyNet), 1, 10L), (state.ModelType, state.EpochsDone, state.Steps));
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused()
    {
        var path = SavedCheckpoint();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        AssertRefused(path, new TinyNet(), "the checkpoint is truncated or corrupt (its SHA-256 does not match)");
    }

    [Fact]
    public void A_flipped_byte_is_refused()
    {
        var path = SavedCheckpoint();
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        AssertRefused(path, new TinyNet(), "the checkpoint is truncated or corrupt");
    }

    [Fact]
    public void A_foreign_file_is_refused()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny_vit.pt");
        AssertRefused(path, new TinyViT(), "not a CModel checkpoint (it does not start with CMODELCK)");
    }

    [Fact]
    public void Another_models_checkpoint_is_refused()
    {
        var path = SavedCheckpoint();
        AssertRefused(path, new FashionResNet(), "this checkpoint is of model TinyNet, not FashionResNet");
    }

    [Fact]
    public void The_trainer_refuses_to_resume_from_a_bad_checkpoint_without_touching_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.ckpt");
        File.WriteAllText(path, "CMODELCK but then nothing sound");
        var hash = SHA256.HashData(File.ReadAllBytes(path));
        using var model = new TinyNet();
        var trainer = new Trainer(Options(epochs: 1, checkpoint: path), TextWriter.Null);
        var error = Assert.Throws<DataFormatException>(() => trainer.Fit(model, Loader(TrainData(64)), Loader(TestData(64), shuffle: false)));
        Assert.Contains(path, error.Message);
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(path)));
    }
}
