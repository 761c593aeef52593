using Dsl.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

public class ImageTests
{
    private static string Folder() => Directory.CreateTempSubdirectory("cmodel-images-").FullName;

    [Fact]
    public void A_png_round_trips_exactly()
    {
        var path = Path.Combine(Folder(), "a.png");
        var image = (rand(3, 5, 7) * 255).round() / 255;
        ImageFiles.SavePng(image, path);
        var decoded = ImageFiles.Decode(path);
        Assert.Equal(new long[] { 3, 5, 7 }, decoded.shape);
        Assert.True(decoded.allclose(image, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void An_image_folder_labels_images_by_class_folder()
    {
        var root = Folder();
        foreach (var (cls, count) in new[] { ("cat", 2), ("dog", 3) })
        {
            Directory.CreateDirectory(Path.Combine(root, cls));
            for (var i = 0; i < count; i++) ImageFiles.SavePng(full(3, 4, 4, cls == "cat" ? 0.0 : 1.0), Path.Combine(root, cls, $"{i}.png"));
        }
        File.WriteAllText(Path.Combine(root, "dog", "notes.txt"), "not an image");
        var folder = ImageFolder.Open(root);
        Assert.Equal(new[] { "cat", "dog" }, folder.Classes);
        using var data = folder.Load();
        Assert.Equal(new long[] { 5, 3, 4, 4 }, data.Images.shape);
        Assert.Equal(new long[] { 0, 0, 1, 1, 1 }, data.Labels.data<long>().ToArray());
        Assert.Equal(1f, data.Images[4].mean().item<float>());
    }

    [Fact]
    public void A_corrupt_image_is_an_error_naming_it()
    {
        var root = Folder();
        Directory.CreateDirectory(Path.Combine(root, "x"));
        var path = Path.Combine(root, "x", "broken.jpg");
        File.WriteAllBytes(path, new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 0x01 });
        var error = Assert.Throws<DataFormatException>(() => ImageFolder.Open(root).Load());
        Assert.Equal($"{path}: not a readable PNG or JPEG image", error.Message);
    }

    [Fact]
    public void A_folder_without_images_is_an_error()
    {
        var root = Folder();
        var error = Assert.Throws<DataFormatException>(() => ImageFolder.Open(root));
        Assert.StartsWith(root, error.Message);
    }
}
