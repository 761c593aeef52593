using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// Images in one folder per class (root/cat/1.png, root/dog/2.jpg), as torchvision's
/// ImageFolder: classes in name order, labels their indices.
/// </summary>
public sealed class ImageFolder
{
    private ImageFolder(string root, IReadOnlyList<string> classes, IReadOnlyList<(string Path, int Label)> items)
    {
        Root = root;
        Classes = classes;
        Items = items;
    }

    public string Root { get; }
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<(string Path, int Label)> Items { get; }

    public static ImageFolder Open(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: no such image folder");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var items = classes
            .SelectMany((name, label) => Directory.GetFiles(Path.Combine(root, name!))
                .Where(ImageFiles.IsImage)
                .OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (p, label)))
            .ToList();
        if (items.Count == 0) throw new DataFormatException(root, "no PNG or JPEG images in class subfolders (expected root/<class>/<image>)");
        return new ImageFolder(root, classes!, items);
    }

    /// <summary>Every image decoded into one tensor; they must share one size.</summary>
    public ImageClassificationData Load()
    {
        var images = new List<Tensor>();
        try
        {
            foreach (var (path, _) in Items)
            {
                var image = ImageFiles.Decode(path);
                if (images.Count > 0 && !image.shape.SequenceEqual(images[0].shape))
                {
                    // The message is built before the image is freed.
                    var message = $"is [{string.Join(", ", image.shape)}] but {Items[0].Path} is [{string.Join(", ", images[0].shape)}]; images of one dataset need one size";
                    image.Dispose();
                    throw new DataFormatException(path, message);
                }
                images.Add(image);
            }
            var labels = tensor(Items.Select(i => (long)i.Label).ToArray());
            return new ImageClassificationData(stack(images), labels, Classes.Count, $"{Root} ({Items.Count:N0} images)");
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }
}
