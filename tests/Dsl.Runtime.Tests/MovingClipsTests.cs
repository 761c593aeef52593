using Dsl.Runtime.Data;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>Clips for 3D convolutions: Fashion-MNIST images moving across frames, and a folder of real clips.</summary>
public class MovingClipsTests
{
    private static ImageClassificationData Squares()
    {
        // Two 4×4 "images": a bright square with one marked corner, so position and orientation can be read back.
        var images = zeros(2, 1, 4, 4);
        images[0].fill_(0.5);
        images[1].fill_(0.25);
        images[.., .., 0, 0] = tensor(1f);
        return new ImageClassificationData(images, tensor(new long[] { 3, 7 }), 10, "squares");
    }

    [Fact]
    public void Each_clip_moves_its_image_intact_one_to_two_pixels_a_frame_inside_the_frame()
    {
        using var source = Squares();
        using var clips = MovingClips.FromImages(source, frames: 12, size: 10, seed: 1);
        Assert.Equal(new long[] { 2, 1, 12, 10, 10 }, clips.Images.shape);
        Assert.Equal(new long[] { 3, 7 }, clips.Labels.data<long>().ToArray());
        for (var i = 0; i < 2; i++)
        {
            (long Y, long X)? previous = null;
            for (var f = 0; f < 12; f++)
            {
                using var frame = clips.Images[i, 0, f];
                // The whole image is there: its sum, and its marked corner at the top left of where it sits.
                Assert.Equal(source.Images[i].sum().item<float>(), frame.sum().item<float>(), 4);
                using var corner = frame.eq(1f).nonzero();
                var (y, x) = (corner[0, 0].item<long>(), corner[0, 1].item<long>());
                Assert.InRange(y, 0, 6);
                Assert.InRange(x, 0, 6);
                if (previous is { } p)
                {
                    Assert.InRange(Math.Abs(y - p.Y), 0, 2);
                    Assert.InRange(Math.Abs(x - p.X), 0, 2);
                }
                previous = (y, x);
            }
        }
    }

    [Fact]
    public void The_same_seed_makes_the_same_clips_and_another_seed_others()
    {
        using var source = Squares();
        using var a = MovingClips.FromImages(source, 8, 10, seed: 4);
        using var b = MovingClips.FromImages(source, 8, 10, seed: 4);
        using var c = MovingClips.FromImages(source, 8, 10, seed: 5);
        Assert.True(a.Images.equal(b.Images).all().item<bool>());
        Assert.False(a.Images.equal(c.Images).all().item<bool>());
    }

    [Fact]
    public void A_folder_of_clips_reads_frames_in_order_and_names_a_clip_that_does_not_fit()
    {
        var root = Directory.CreateTempSubdirectory("cmodel-clips-").FullName;
        foreach (var (cls, clip) in new[] { ("jump", "a"), ("jump", "b"), ("run", "c") })
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, cls, clip)).FullName;
            for (var f = 0; f < 3; f++) ImageFiles.SavePng(full(3, 4, 5, f / 4.0), Path.Combine(folder, $"{f:D2}.png"));
        }
        using (var clips = MovingClips.FromFolder(root))
        {
            Assert.Equal(new long[] { 3, 3, 3, 4, 5 }, clips.Images.shape);
            Assert.Equal(new long[] { 0, 0, 1 }, clips.Labels.data<long>().ToArray());
            Assert.Equal(2, clips.Classes);
            Assert.Equal(0.5f, clips.Images[2, 0, 2].mean().item<float>(), 2);
        }
        ImageFiles.SavePng(full(3, 4, 5, 0.0), Path.Combine(root, "run", "c", "03.png"));
        var error = Assert.Throws<DataFormatException>(() => MovingClips.FromFolder(root));
        Assert.Contains(Path.Combine(root, "run", "c"), error.Message);
        Assert.Contains("4 frames", error.Message);
    }
}
