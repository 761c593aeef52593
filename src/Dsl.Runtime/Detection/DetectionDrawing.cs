using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Data;
using static TorchSharp.torch;

namespace Dsl.Runtime.Detection;

/// <summary>A PNG of images side by side with their boxes outlined: ground truth green, predictions above a score red.</summary>
public static class DetectionDrawing
{
    /// <param name="images">[n, 1 or 3, H, W] in [0, 1].</param>
    /// <param name="boxes">Boxes in pixels of the images; <see cref="LabelledBox.Image"/> indexes <paramref name="images"/>.</param>
    /// <param name="scale">Each pixel drawn as scale × scale, so thin outlines show.</param>
    public static void Save(string path, Tensor images, IEnumerable<LabelledBox> truths, IEnumerable<LabelledBox> predictions, double minScore = 0.5, int scale = 4)
    {
        using var scope = NewDisposeScope();
        var (n, h, w) = (images.shape[0], images.shape[2] * scale, images.shape[3] * scale);
        var big = nn.functional.interpolate(images.to(CPU).to_type(ScalarType.Float32).expand(-1, 3, -1, -1), scale_factor: new double[] { scale, scale }, mode: InterpolationMode.Nearest).contiguous();
        foreach (var t in truths) Outline(big, t, scale, new[] { 0.2f, 1f, 0.2f });
        foreach (var p in predictions.Where(p => p.Score >= minScore)) Outline(big, p, scale, new[] { 1f, 0.2f, 0.2f });
        const int gap = 4;
        var canvas = ones(3, h, n * (w + gap) - gap);
        for (var i = 0; i < n; i++) canvas.narrow(2, i * (w + gap), w).copy_(big[i]);
        ImageFiles.SavePng(canvas, path);
    }

    private static void Outline(Tensor images, LabelledBox box, int scale, float[] colour)
    {
        var (h, w) = (images.shape[2], images.shape[3]);
        long Clamp(double v, long max) => Math.Clamp((long)Math.Round(v * scale), 0, max - 1);
        var (x0, y0, x1, y1) = (Clamp(box.X0, w), Clamp(box.Y0, h), Clamp(box.X1, w), Clamp(box.Y1, h));
        if (x1 <= x0 || y1 <= y0) return;
        var image = images[box.Image];
        var rgb = tensor(colour).reshape(3, 1, 1);
        foreach (var (dim, at, start, length) in new[] { (1, y0, x0, x1 - x0 + 1), (1, y1, x0, x1 - x0 + 1), (2, x0, y0, y1 - y0 + 1), (2, x1, y0, y1 - y0 + 1) })
        {
            var line = image.narrow(dim, at, 1).narrow(dim == 1 ? 2 : 1, start, length);
            line.copy_(rgb.expand_as(line));
        }
    }
}
