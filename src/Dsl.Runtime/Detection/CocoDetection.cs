using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Dsl.Runtime.Data;
using static TorchSharp.torch;

namespace Dsl.Runtime.Detection;

/// <summary>
/// A COCO-format detection set: an annotation file (<c>images</c> with <c>id</c>, <c>file_name</c>,
/// <c>width</c>, <c>height</c>; <c>annotations</c> with <c>image_id</c>, <c>category_id</c> and
/// <c>bbox</c> [x, y, w, h] in pixels; <c>categories</c> with <c>id</c> and <c>name</c>) and a
/// folder of its images. Each image is resized to <c>size</c>×<c>size</c> (boxes are kept as
/// fractions of the image, so they follow); categories become classes 0, 1, … in the order of
/// their ids; crowd annotations (<c>iscrowd</c> 1) are left out.
/// </summary>
public static class CocoDetection
{
    public static DetectionData Load(string annotationFile, string imageFolder, int size)
    {
        if (!File.Exists(annotationFile)) throw new FileNotFoundException($"{annotationFile}: no such annotation file", annotationFile);
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(File.ReadAllText(annotationFile)).RootElement;
        }
        catch (JsonException e)
        {
            throw new DataFormatException(annotationFile, $"not a JSON annotation file ({e.Message})");
        }
        try
        {
            var categories = root.GetProperty("categories").EnumerateArray()
                .Select(c => (Id: c.GetProperty("id").GetInt32(), Name: c.GetProperty("name").GetString() ?? "")).OrderBy(c => c.Id).ToList();
            var classOf = categories.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i);
            var images = root.GetProperty("images").EnumerateArray()
                .Select(i => (Id: i.GetProperty("id").GetInt64(), File: i.GetProperty("file_name").GetString() ?? "", Width: i.GetProperty("width").GetDouble(), Height: i.GetProperty("height").GetDouble()))
                .OrderBy(i => i.Id).ToList();
            var byImage = images.ToDictionary(i => i.Id, _ => new List<(long Class, float[] Box)>());
            foreach (var a in root.GetProperty("annotations").EnumerateArray())
            {
                if (a.TryGetProperty("iscrowd", out var crowd) && crowd.GetInt32() == 1) continue;
                var imageId = a.GetProperty("image_id").GetInt64();
                if (!byImage.TryGetValue(imageId, out var list)) throw new DataFormatException(annotationFile, $"an annotation names image {imageId}, which the file does not list");
                var category = a.GetProperty("category_id").GetInt32();
                if (!classOf.TryGetValue(category, out var cls)) throw new DataFormatException(annotationFile, $"an annotation names category {category}, which the file does not list");
                var b = a.GetProperty("bbox").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                var image = images.First(i => i.Id == imageId);
                list.Add((cls, new[] { (b[0] + b[2] / 2) / (float)image.Width, (b[1] + b[3] / 2) / (float)image.Height, b[2] / (float)image.Width, b[3] / (float)image.Height }));
            }
            var tensors = new List<Tensor>();
            var targets = new List<DetectionTarget>();
            foreach (var image in images)
            {
                using var decoded = ImageFiles.Decode(Path.Combine(imageFolder, image.File));
                tensors.Add(nn.functional.interpolate(decoded.unsqueeze(0), size: new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false));
                var objects = byImage[image.Id];
                var boxes = new float[objects.Count, 4];
                for (var k = 0; k < objects.Count; k++)
                for (var j = 0; j < 4; j++) boxes[k, j] = objects[k].Box[j];
                targets.Add(new DetectionTarget(objects.Select(o => o.Class).ToArray(), boxes));
            }
            var all = cat(tensors, 0);
            foreach (var t in tensors) t.Dispose();
            return new DetectionData(all, targets, categories.Select(c => c.Name).ToList(), $"{annotationFile} ({images.Count:N0} images, {categories.Count} categories)");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DataFormatException(annotationFile, $"not a COCO annotation file ({e.Message})");
        }
    }
}
