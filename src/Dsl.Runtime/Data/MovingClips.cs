using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// Video clips for 3D convolutions that run on a CPU: each Fashion-MNIST image moves across a
/// larger dark canvas for a number of frames, in a straight line that bounces off the edges, and
/// the clip keeps the image's class (classify the object while it moves). Start and velocity
/// come from a generator seeded per clip, so a set of clips is the same on every run and every
/// machine. Also reads a folder of real clips, one folder of frames per clip.
/// </summary>
public static class MovingClips
{
    /// <summary>
    /// Clips [N, 1, <paramref name="frames"/>, <paramref name="size"/>, <paramref name="size"/>] of
    /// <paramref name="images"/> ([N, 1, h, w], h, w ≤ size) moving 1 to 2 pixels a frame in each direction.
    /// </summary>
    public static ImageClassificationData FromImages(ImageClassificationData images, int frames = 16, int size = 32, int seed = 0)
    {
        var (n, h, w) = (images.Count, images.Images.shape[2], images.Images.shape[3]);
        if (images.Images.shape[1] != 1) throw new ArgumentException("moving clips are made from one-channel images", nameof(images));
        if (h > size || w > size) throw new ArgumentException($"{h}×{w} images do not fit a {size}×{size} frame", nameof(images));
        if (frames < 2) throw new ArgumentOutOfRangeException(nameof(frames), frames, "a clip has at least 2 frames");
        var clips = zeros(new[] { n, 1, frames, size, size });
        var (roomY, roomX) = (size - (int)h, size - (int)w);
        for (long i = 0; i < n; i++)
        {
            var random = new Random(unchecked(seed * 1_000_003 + (int)i));
            var (y, x) = ((double)random.Next(roomY + 1), (double)random.Next(roomX + 1));
            var (vy, vx) = (Velocity(random), Velocity(random));
            using var image = images.Images[i];
            for (var f = 0; f < frames; f++)
            {
                var (top, left) = ((long)Math.Round(y), (long)Math.Round(x));
                clips[i, 0, f, TensorIndex.Slice(top, top + h), TensorIndex.Slice(left, left + w)] = image[0];
                (y, vy) = Bounce(y + vy, vy, roomY);
                (x, vx) = Bounce(x + vx, vx, roomX);
            }
        }
        return new ImageClassificationData(clips, images.Labels.clone(), images.Classes, $"{images.Source} as {frames}-frame moving clips {size}×{size}");
    }

    /// <summary>
    /// Clips from a folder: <c>root/&lt;class&gt;/&lt;clip&gt;/&lt;frame&gt;.png</c> (or .jpg), frames in name order,
    /// classes in name order; every clip must have the same frame count and size: [N, 3, T, H, W].
    /// </summary>
    public static ImageClassificationData FromFolder(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: no such clip folder");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OrderBy(c => c, StringComparer.Ordinal).ToList();
        var clips = new List<Tensor>();
        var labels = new List<long>();
        try
        {
            foreach (var (name, label) in classes.Select((c, i) => (c!, i)))
            {
                foreach (var clip in Directory.GetDirectories(Path.Combine(root, name)).OrderBy(c => c, StringComparer.Ordinal))
                {
                    var frames = Directory.GetFiles(clip).Where(ImageFiles.IsImage).OrderBy(f => f, StringComparer.Ordinal).ToList();
                    if (frames.Count == 0) throw new DataFormatException(clip, "a clip folder holds no PNG or JPEG frames");
                    var decoded = frames.Select(ImageFiles.Decode).ToList();
                    try
                    {
                        var first = decoded[0].shape;
                        var odd = decoded.Select((d, k) => (d, k)).FirstOrDefault(p => !p.d.shape.SequenceEqual(first));
                        if (odd.d is not null) throw new DataFormatException(frames[odd.k], $"is {odd.d.shape[1]}×{odd.d.shape[2]} but the clip's first frame is {first[1]}×{first[2]}");
                        var stacked = stack(decoded, 1);
                        if (clips.Count > 0 && !stacked.shape.SequenceEqual(clips[0].shape))
                        {
                            var message = $"has {stacked.shape[1]} frames of {stacked.shape[2]}×{stacked.shape[3]}, but the first clip has {clips[0].shape[1]} of {clips[0].shape[2]}×{clips[0].shape[3]}; clips of one set need one length and size";
                            stacked.Dispose();
                            throw new DataFormatException(clip, message);
                        }
                        clips.Add(stacked);
                        labels.Add(label);
                    }
                    finally
                    {
                        foreach (var d in decoded) d.Dispose();
                    }
                }
            }
            if (clips.Count == 0) throw new DataFormatException(root, "no clips (expected root/<class>/<clip>/<frame>.png)");
            return new ImageClassificationData(stack(clips), tensor(labels.ToArray()), classes.Count, $"{root} ({clips.Count} clips)");
        }
        finally
        {
            foreach (var c in clips) c.Dispose();
        }
    }

    /// <summary>1 to 2 pixels a frame, either way.</summary>
    private static double Velocity(Random random) => (1 + random.NextDouble()) * (random.Next(2) == 0 ? -1 : 1);

    /// <summary>A position past either end of [0, room] reflected back inside, with the velocity turned.</summary>
    private static (double Position, double Velocity) Bounce(double position, double velocity, int room)
    {
        if (position < 0) return (-position, -velocity);
        if (position > room) return (2 * room - position, -velocity);
        return (position, velocity);
    }
}
