using System.IO.Compression;
using Dsl.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

public class DataTests
{
    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}-{name}");

    private static byte[] Idx(byte type, int[] dims, byte[] data) =>
        new byte[] { 0, 0, type, (byte)dims.Length }
            .Concat(dims.SelectMany(d => new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d }))
            .Concat(data).ToArray();

    [Fact]
    public void The_shipped_subset_has_the_documented_size_and_classes()
    {
        var (train, test) = FashionMnist.Load(FashionMnist.Locate(null, full: false));
        Assert.Equal(new long[] { 5000, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(new long[] { 1000, 1, 28, 28 }, test.Images.shape);
        // Class counts from data/fashion-mnist-subset/README.md.
        Assert.Equal(new long[] { 457, 556, 504, 501, 488, 493, 493, 512, 490, 506 }, train.Labels.bincount(null).data<long>().ToArray());
        Assert.InRange(train.Images.max().item<float>(), 0.99f, 1.0f);
        Assert.Equal(0f, train.Images.min().item<float>());
    }

    [Fact]
    public void Idx_files_read_plain_or_gzipped()
    {
        var bytes = Idx(0x08, new[] { 2, 3 }, new byte[] { 1, 2, 3, 4, 5, 6 });
        var plain = Temp("plain.idx");
        var gz = Temp("a.idx.gz");
        File.WriteAllBytes(plain, bytes);
        using (var f = File.Create(gz))
        using (var z = new GZipStream(f, CompressionLevel.Fastest)) z.Write(bytes);
        foreach (var path in new[] { plain, gz })
        {
            var idx = IdxFile.Read(path);
            Assert.Equal(new[] { 2, 3 }, idx.Dimensions);
            Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, idx.Data);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3 }, "expected 6 data bytes for dimensions [2, 3] but found 3 (truncated or corrupt)")]
    [InlineData(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, "not an IDX file (its first two bytes must be zero)")]
    [InlineData(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0 }, "IDX element type 0x0d is not supported; expected 0x08 (unsigned bytes)")]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 0, 1, 2 }, "corrupt gzip stream")]
    public void A_corrupt_idx_file_is_an_error_naming_it(byte[] bytes, string problem)
    {
        var path = Temp("bad.idx");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.StartsWith($"{path}: {problem}", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_missing_dataset_file_is_named()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(folder));
        Assert.Contains(Path.Combine(folder, "train-images-idx3-ubyte.gz"), error.Message);
    }

    [Fact]
    public void Random_crop_takes_a_window_of_the_padded_image()
    {
        using var generator = new Generator(5);
        var images = arange(2 * 1 * 6 * 6).reshape(2, 1, 6, 6).to_type(ScalarType.Float32) + 1;
        Assert.True(Augmentations.RandomCrop(images, 0, generator).allclose(images, 0, 0));
        var cropped = Augmentations.RandomCrop(images, 2, generator);
        Assert.Equal(images.shape, cropped.shape);
        var padded = nn.functional.pad(images, new long[] { 2, 2, 2, 2 });
        for (var i = 0; i < 2; i++)
        {
            var found = false;
            for (var dy = 0; dy <= 4 && !found; dy++)
                for (var dx = 0; dx <= 4 && !found; dx++)
                    found = padded[i, .., TensorIndex.Slice(dy, dy + 6), TensorIndex.Slice(dx, dx + 6)].allclose(cropped[i], 0, 0);
            Assert.True(found, $"image {i} is not a window of its padded original");
        }
    }

    [Fact]
    public void Flip_and_normalize_follow_their_definitions()
    {
        using var generator = new Generator(1);
        var images = rand(3, 2, 4, 5);
        Assert.True(Augmentations.HorizontalFlip(images, generator, p: 1).allclose(images.flip(3), 0, 0));
        Assert.True(Augmentations.HorizontalFlip(images, generator, p: 0).allclose(images, 0, 0));
        var normalized = Augmentations.Normalize(images, new[] { 0.5, 0.25 }, new[] { 2.0, 4.0 });
        Assert.True(normalized[.., 1].allclose((images[.., 1] - 0.25) / 4.0));
    }

    [Fact]
    public void Crop_and_flip_crops_then_flips_with_the_same_draws()
    {
        var images = rand(6, 1, 5, 5);
        using var composed = new Generator(2);
        var expected = Augmentations.HorizontalFlip(Augmentations.RandomCrop(images, 2, composed), composed);
        using var generator = new Generator(2);
        var actual = Augmentations.CropAndFlip(2)(images, generator);
        Assert.True(actual.allclose(expected, 0, 0));
        // Not the identity: a crop of padded images moves pixels or brings in zeros.
        Assert.False(actual.allclose(images, 0, 0));
    }

    [Fact]
    public void Each_epoch_visits_every_sample_once_in_a_seeded_order()
    {
        var labels = arange(100);
        using var data = new ImageClassificationData(zeros(100, 1, 2, 2), labels, 100, "indices");
        var loader = new BatchLoader(data, batchSize: 32, shuffle: true, seed: 9);
        long[] Order(int epoch) => loader.Epoch(epoch, CPU).SelectMany(b => b.Targets.data<long>().ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), Order(0).OrderBy(i => i));
        Assert.Equal(Order(0), Order(0));
        Assert.NotEqual(Order(0), Order(1));
        Assert.Equal(4, loader.BatchesPerEpoch);
    }

    [Fact]
    public void A_missing_subset_says_where_it_was_looked_for_and_what_to_do()
    {
        var empty = Directory.CreateTempSubdirectory().FullName;
        var e = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Locate(null, full: false, empty));
        Assert.StartsWith($"the Fashion-MNIST subset that CModel ships is not at {Path.Combine(empty, "data", "fashion-mnist-subset")}", e.Message);
        Assert.Contains("pass a folder holding the four Fashion-MNIST files", e.Message);
        Directory.Delete(empty);
    }
}
