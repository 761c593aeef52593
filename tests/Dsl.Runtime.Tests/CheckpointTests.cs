using System.Security.Cryptography;
using Dsl.Runtime.Checkpoints;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using static Dsl.Runtime.Tests.TrainingFixture;
using TorchSharp.Modules;
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

    private static byte[] OptimizerBytes(OptimizerHelper optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        return stream.ToArray();
    }

    [Fact]
    public void A_checkpoint_round_trips_every_tensor_the_optimizers_buffers_and_the_next_random_draw()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.ckpt");
        manual_seed(1);
        using var trained = new TinyNet();
        using var adam = new OptimizerSpec.Adam().Create(trained.parameters());
        for (var i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            trained.forward(randn(4, 1, 28, 28)).square().mean().backward();
            adam.step();
            adam.zero_grad();
        }
        Checkpoint.Save(path, trained, adam, new CheckpointState(nameof(TinyNet), 1, 3, 0, new List<EpochResult>()));
        var weights = Snapshot(trained);
        var optimizerState = OptimizerBytes(adam);
        var nextDraw = rand(5);

        manual_seed(2);
        using var model = new TinyNet();
        using var optimizer = new OptimizerSpec.Adam().Create(model.parameters());
        randn(100);
        var state = Checkpoint.Load(path, model, optimizer);

        Assert.Equal((nameof(TinyNet), 1, 3L), (state.ModelType, state.EpochsDone, state.Steps));
        Assert.Equal(weights.Keys.Order(), model.state_dict().Keys.Order());
        AssertIdentical(weights, model);
        // Adam's step counts and first and second moments, byte for byte.
        Assert.Equal(optimizerState, OptimizerBytes(optimizer));
        Assert.True(rand(5).eq(nextDraw).all().item<bool>(), "the random-number state was not restored");
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
    public void Loading_weights_alone_restores_the_model_and_refuses_another_models_checkpoint()
    {
        manual_seed(7);
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.ckpt");
        using var trained = new TinyNet();
        using var optimizer = new OptimizerSpec.Adam().Create(trained.parameters());
        Checkpoint.Save(path, trained, optimizer, new CheckpointState(nameof(TinyNet), 1, 10, 0, new List<EpochResult>()));
        manual_seed(8);
        using var fresh = new TinyNet();
        Checkpoint.LoadWeights(path, fresh);
        AssertIdentical(Snapshot(trained), fresh);
        var other = new FashionResNet();
        var before = Snapshot(other);
        var error = Assert.Throws<DataFormatException>(() => Checkpoint.LoadWeights(path, other));
        Assert.StartsWith($"{path}: this checkpoint is of model TinyNet, not FashionResNet", error.Message);
        AssertIdentical(before, other);
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
