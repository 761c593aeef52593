using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Data;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>A PNG of image columns side by side (sources, each generator's images, targets), one row per example, in [−1, 1].</summary>
public static class ImageGrid
{
    /// <param name="columns">Each [n, C, H, W] with C 1 or 3, all of one size and count.</param>
    public static void Save(string path, IReadOnlyList<Tensor> columns, int gap = 2)
    {
        if (columns.Count == 0) throw new ArgumentException("a grid needs at least one column", nameof(columns));
        using var scope = NewDisposeScope();
        var (n, h, w) = (columns[0].shape[0], columns[0].shape[2], columns[0].shape[3]);
        if (columns.Any(c => c.shape[0] != n || c.shape[2] != h || c.shape[3] != w))
            throw new ArgumentException("every column of a grid holds images of one size, as many as the first");
        var canvas = ones(3, n * (h + gap) + gap, columns.Count * (w + gap) + gap);
        for (var j = 0; j < columns.Count; j++)
        {
            var rgb = (columns[j].detach().to(CPU).to_type(ScalarType.Float32).expand(-1, 3, -1, -1) + 1) / 2;
            for (var i = 0; i < n; i++)
                canvas.narrow(1, gap + i * (h + gap), h).narrow(2, gap + j * (w + gap), w).copy_(rgb[i]);
        }
        ImageFiles.SavePng(canvas, path);
    }
}
