using System.Security.Cryptography;
using Dsl.Runtime.Checkpoints;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using static Dsl.Runtime.Tests.TrainingFixture;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>The broken files feeding the runtime's public API found: each refused by name, before anything changes.</summary>
public class BadFileTests
{
    private static string Temp(string extension) => Path.Combine(Path.GetTempPath(), $"cmodel-bad-{Guid.NewGuid():N}{extension}");

    [Fact]
    public void A_checkpoint_of_another_optimizer_changes_neither_the_model_nor_the_optimizer()
    {
        var path = Temp(".ckpt");
        manual_seed(1);
        using (var saved = new TinyNet())
        {
            using var sgd = new OptimizerSpec.Sgd(0.1, Momentum: 0.9).Create(saved.parameters());
            Checkpoint.Save(path, saved, sgd, new CheckpointState(nameof(TinyNet), 1, 10, 0, new List<EpochResult>()));
        }
        manual_seed(2);
        using var model = new TinyNet();
        using var adam = new OptimizerSpec.Adam().Create(model.parameters());
        var weights = Snapshot(model);
        var hash = SHA256.HashData(File.ReadAllBytes(path));
        var error = Assert.Throws<DataFormatException>(() => Checkpoint.Load(path, model, adam));
        Assert.StartsWith($"{path}: the checkpoint's optimizer state does not fit this optimizer", error.Message);
        AssertIdentical(weights, model);
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(path)));
        // The optimizer still works as the Adam it was.
        using var scope = NewDisposeScope();
        model.forward(randn(2, 1, 28, 28)).sum().backward();
        adam.step();
    }

    [Fact]
    public void A_temporary_file_left_by_a_killed_save_is_removed_when_the_checkpoint_loads()
    {
        var path = Temp(".ckpt");
        using var model = new TinyNet();
        using var optimizer = new OptimizerSpec.Adam().Create(model.parameters());
        Checkpoint.Save(path, model, optimizer, new CheckpointState(nameof(TinyNet), 1, 10, 0, new List<EpochResult>()));
        File.WriteAllBytes(path + ".tmp", new byte[100]);
        Checkpoint.Load(path, model, optimizer);
        Assert.False(File.Exists(path + ".tmp"));
    }

    private static byte[] Idx(params int[] dims)
    {
        var bytes = new List<byte> { 0, 0, 8, (byte)dims.Length };
        foreach (var d in dims) bytes.AddRange(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        bytes.AddRange(new byte[12]);
        return bytes.ToArray();
    }

    [Theory]
    [InlineData(new[] { -1, -12 }, "IDX dimensions must be positive but are [-1, -12]")]
    [InlineData(new[] { 65536, 65536, 65536 }, "expected 281,474,976,710,656 data bytes for dimensions [65536, 65536, 65536] but found 12")]
    [InlineData(new[] { 0 }, "IDX dimensions must be positive but are [0]")]
    public void An_idx_file_with_impossible_dimensions_is_refused(int[] dims, string problem)
    {
        var path = Temp(".idx");
        File.WriteAllBytes(path, Idx(dims));
        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.StartsWith($"{path}: {problem}", error.Message);
    }

    [Fact]
    public void Images_of_two_sizes_name_both()
    {
        var root = Directory.CreateTempSubdirectory("cmodel-bad-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "a"));
        ImageFiles.SavePng(zeros(3, 4, 4), Path.Combine(root, "a", "0.png"));
        ImageFiles.SavePng(zeros(3, 5, 4), Path.Combine(root, "a", "1.png"));
        var error = Assert.Throws<DataFormatException>(() => ImageFolder.Open(root).Load());
        Assert.Equal($"{Path.Combine(root, "a", "1.png")}: is [3, 5, 4] but {Path.Combine(root, "a", "0.png")} is [3, 4, 4]; images of one dataset need one size", error.Message);
    }

    [Fact]
    public void A_truncated_png_is_refused_not_read_as_blank()
    {
        var path = Temp(".png");
        ImageFiles.SavePng(rand(3, 32, 32), path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var error = Assert.Throws<DataFormatException>(() => ImageFiles.Decode(path));
        Assert.StartsWith($"{path}: the image is truncated or corrupt", error.Message);
    }

    [Fact]
    public void Garbage_named_pt_is_not_described_as_an_old_pytorch_file()
    {
        var path = Temp(".pt");
        File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes("this is not a checkpoint at all"));
        using var model = new TinyNet();
        var weights = Snapshot(model);
        var error = Assert.Throws<DataFormatException>(() => PyTorchWeights.Load(model, path));
        Assert.StartsWith($"{path}: not a PyTorch checkpoint: torch.save writes a zip archive", error.Message);
        AssertIdentical(weights, model);
    }
}
