using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Data;
using static TorchSharp.torch;

namespace Dsl.Runtime.Detection;

/// <summary>
/// A detection dataset that runs on a laptop: Fashion-MNIST items pasted on dark canvases at
/// random scales and positions, <see cref="MinObjects"/>–<see cref="MaxObjects"/> per canvas,
/// each labelled with its class and the box of its visible extent (pixels above
/// <see cref="Ink"/> after resizing). Items may overlap (the brighter pixel shows) but a new one
/// is redrawn while its box covers more than half of an earlier box. Generated from a seed, so a
/// split is the same on every machine: canvases from Fashion-MNIST's training images for
/// training, from its test images for testing.
/// </summary>
public static class ObjectCanvases
{
    public const int MinObjects = 1;
    public const int MaxObjects = 5;
    public const double Ink = 0.1;

    /// <param name="size">The canvas side in pixels.</param>
    /// <param name="minSide">The smallest and largest side of a pasted item, in pixels.</param>
    public static DetectionData Generate(ImageClassificationData items, int count, int size = 64, int minSide = 14, int maxSide = 36, int seed = 0)
    {
        if (maxSide > size || minSide < 4 || minSide > maxSide) throw new ArgumentException($"item sides run from {minSide} to {maxSide} pixels, within the {size}-pixel canvas and at least 4");
        var random = new Random(seed);
        var canvases = zeros(count, 1, size, size);
        var targets = new List<DetectionTarget>();
        for (var n = 0; n < count; n++)
        {
            using var scope = NewDisposeScope();
            var objects = random.Next(MinObjects, MaxObjects + 1);
            var classes = new List<long>();
            var boxes = new List<(float X0, float Y0, float X1, float Y1)>();
            var canvas = canvases[n, 0];
            for (var k = 0; k < objects; k++)
            {
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    var index = random.Next((int)items.Count);
                    var side = random.Next(minSide, maxSide + 1);
                    var (x, y) = (random.Next(size - side + 1), random.Next(size - side + 1));
                    var item = nn.functional.interpolate(items.Images[index].unsqueeze(0), size: new long[] { side, side }, mode: InterpolationMode.Bilinear, align_corners: false)[0, 0].clamp(0, 1);
                    var ink = item.gt(Ink);
                    if (!ink.any().item<bool>()) continue;
                    var rows = ink.any(1).nonzero().squeeze(1);
                    var columns = ink.any(0).nonzero().squeeze(1);
                    var box = ((float)(x + columns.min().item<long>()), (float)(y + rows.min().item<long>()),
                               (float)(x + columns.max().item<long>() + 1), (float)(y + rows.max().item<long>() + 1));
                    if (boxes.Any(b => Covered(b, box) > 0.5)) continue;
                    var region = canvas.narrow(0, y, side).narrow(1, x, side);
                    region.copy_(maximum(region, item));
                    classes.Add(items.Labels[index].item<long>());
                    boxes.Add(box);
                    break;
                }
            }
            var array = new float[boxes.Count, 4];
            for (var i = 0; i < boxes.Count; i++)
            {
                var (x0, y0, x1, y1) = boxes[i];
                (array[i, 0], array[i, 1], array[i, 2], array[i, 3]) = ((x0 + x1) / 2 / size, (y0 + y1) / 2 / size, (x1 - x0) / size, (y1 - y0) / size);
            }
            targets.Add(new DetectionTarget(classes.ToArray(), array));
        }
        return new DetectionData(canvases, targets, FashionMnist.ClassNames,
            $"{count:N0} canvases {size}×{size} of {MinObjects}–{MaxObjects} Fashion-MNIST items ({minSide}–{maxSide} px) from {items.Source}, seed {seed}");
    }

    /// <summary>The fraction of <paramref name="earlier"/>'s area that <paramref name="later"/> covers.</summary>
    private static double Covered((float X0, float Y0, float X1, float Y1) earlier, (float X0, float Y0, float X1, float Y1) later)
    {
        var w = Math.Min(earlier.X1, later.X1) - Math.Max(earlier.X0, later.X0);
        var h = Math.Min(earlier.Y1, later.Y1) - Math.Max(earlier.Y0, later.Y0);
        var area = (earlier.X1 - earlier.X0) * (earlier.Y1 - earlier.Y0);
        return Math.Max(0, w) * Math.Max(0, h) / area;
    }
}
