using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>Images [N, C, H, W] scaled to [0, 1] with their class labels [N].</summary>
public sealed class ImageClassificationData : IDisposable
{
    public ImageClassificationData(Tensor images, Tensor labels, int classes, string source)
    {
        if (images.shape[0] != labels.shape[0])
            throw new ArgumentException($"{source}: {images.shape[0]} images but {labels.shape[0]} labels");
        Images = images;
        Labels = labels;
        Classes = classes;
        Source = source;
    }

    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Classes { get; }

    /// <summary>Where the data came from, for logs and summaries.</summary>
    public string Source { get; }

    public long Count => Images.shape[0];

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
